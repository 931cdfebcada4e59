import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '../../../ui/Icon';

/**
 * The chat's menu (⋯ in the header): what can be done with the whole chat. A menu button with a
 * list of items, as WAI-ARIA's menu button pattern has it: Escape or a click elsewhere closes it
 * and gives focus back to the button.
 */
export function ChatMenu({ disabled, onExport }: { disabled: boolean; onExport(): void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    list.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!list.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <span className="popover-anchor">
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label="More"
        title="More"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        disabled={disabled}
        onClick={() => setOpen((v) => !v)}
      >
        <Icon name="more" />
      </button>
      {open && (
        <ul
          ref={list}
          id={id}
          className="chat-menu"
          role="menu"
          aria-label="Chat"
          onKeyDown={(event) => {
            if (event.key === 'Escape' || event.key === 'Tab') {
              event.preventDefault();
              close();
            }
          }}
        >
          <li role="none">
            <button
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                onExport();
              }}
            >
              <Icon name="export" size={18} />
              Export…
            </button>
          </li>
        </ul>
      )}
    </span>
  );
}
