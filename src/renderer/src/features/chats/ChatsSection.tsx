import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { GalleryItem, MessageView, SearchHit } from '../../../../shared/chat-types';
import type { Section } from '../../../../shared/ipc/contract';
import { api } from '../../api';
import { useAppInfo } from '../../app-info';
import { Icon } from '../../ui/Icon';
import { SINGLE_PANE, useMediaQuery } from '../../ui/useMediaQuery';
import { Conversation, type SidePanel } from './conversation/Conversation';
import { ExportDialog } from './export/ExportDialog';
import { ChatInfo } from './info/ChatInfo';
import { ChatList } from './list/ChatList';
import { Lightbox } from './media/Lightbox';
import { MediaGallery } from './media/MediaGallery';
import { MessageActionsContext, type MessageActions } from './messages/actions';
import { SearchResults } from './search/SearchResults';
import { useUnifiedSearch } from './search/useUnifiedSearch';
import './chats.css';

interface Props {
  onNavigate(section: Section): void;
  /** Open this chat first (after an import or a restore). */
  initialChatId?: number | null;
  /** Bumped by Ctrl+K: focus the search box. */
  searchFocusRequest?: number;
}

type Open = { chatId: number; focus: number | null };
type Viewer = { chatId: number; start: GalleryItem };

const NOTICE_MS = 4000;

/**
 * The Chats section: the chat list (or, while the one search box holds a query, chats and
 * messages found), the open conversation and, beside it, the chat's info or media. In a narrow
 * window one pane shows at a time, as phones' messengers do.
 */
export function ChatsSection({ onNavigate, initialChatId = null, searchFocusRequest = 0 }: Props) {
  const info = useAppInfo();
  const [version, setVersion] = useState(0);
  const [total, setTotal] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Open | null>(
    initialChatId ? { chatId: initialChatId, focus: null } : null,
  );
  const [panel, setPanel] = useState<SidePanel>(null);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [chatSearchRequest, setChatSearchRequest] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  // Choosing chats to export: the chosen ids, or null when not choosing.
  const [chosen, setChosen] = useState<Set<number> | null>(null);
  const [exporting, setExporting] = useState<{ chats: number[] | 'all'; what: string } | null>(
    null,
  );
  const singlePane = useMediaQuery(SINGLE_PANE);
  const searchBox = useRef<HTMLInputElement>(null);
  const search = useUnifiedSearch(query, version);
  const searching = query.trim().length > 0;

  useEffect(() => api.on('store.changed', () => setVersion((v) => v + 1)), []);

  useEffect(() => {
    if (searchFocusRequest > 0) searchBox.current?.focus();
  }, [searchFocusRequest]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  // Ctrl+K: the search box; Ctrl+F: search in the open chat (not the page's own find).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const key = event.key.toLowerCase();
      if (key === 'k') {
        event.preventDefault();
        searchBox.current?.focus();
        searchBox.current?.select();
      } else if (key === 'f' && open) {
        event.preventDefault();
        setChatSearchRequest((n) => n + 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  const openChat = useCallback((chatId: number, focus: number | null = null) => {
    setOpen({ chatId, focus });
    setViewer(null);
  }, []);

  const toggleChosen = useCallback((chatId: number) => {
    setChosen((previous) => {
      const next = new Set(previous ?? []);
      if (next.has(chatId)) next.delete(chatId);
      else next.add(chatId);
      return next;
    });
  }, []);

  const onOpenHit = useCallback(
    (hit: SearchHit) => openChat(hit.chatId, hit.messageId),
    [openChat],
  );
  const onOpenFoundChat = useCallback((chatId: number) => openChat(chatId), [openChat]);

  const onOpenMedia = useCallback((message: MessageView, attachmentIndex: number) => {
    const attachment = message.attachments[attachmentIndex];
    if (!attachment) return;
    setViewer({
      chatId: message.chatId,
      start: {
        messageId: message.id,
        sentAt: message.sentAt,
        sender: message.sender,
        attachment,
        link: null,
        // Attachments are stored with their position in the message as ordinal.
        cursor: { sentAt: message.sentAt, id: message.id, ordinal: attachmentIndex },
      },
    });
  }, []);

  const showInChat = useCallback(
    (messageId: number) => {
      if (!open) return;
      setViewer(null);
      if (singlePane) setPanel(null);
      setOpen({ chatId: open.chatId, focus: messageId });
    },
    [open, singlePane],
  );

  const mediaUrl = useCallback((hash: string) => `${info?.mediaBaseUrl ?? ''}${hash}`, [info]);
  const panelActions = useMemo<MessageActions>(
    () => ({
      mediaUrl,
      openLink: (url) => {
        void api.invoke('app.openExternal', { url }).then(
          ({ opened }) => !opened && setNotice('That link cannot be opened: only web links can.'),
          () => setNotice('The link could not be opened.'),
        );
      },
      openMedia: onOpenMedia,
      openMessage: showInChat,
      saveAttachment: (attachmentId) => {
        void api.invoke('media.saveAs', { attachmentId }).then(
          ({ saved }) => saved && setNotice('Saved.'),
          (e: Error) => setNotice(e.message),
        );
      },
    }),
    [mediaUrl, onOpenMedia, showInChat],
  );

  if (total === 0 && !searching) {
    return (
      <>
        <div className="empty-state">
          <h1>No chats yet</h1>
          <p>
            Bring your history here from your phone, or restore it from a Chatkeep backup you made
            on another computer.
          </p>
          <div className="empty-actions">
            <button type="button" className="button primary" onClick={() => onNavigate('import')}>
              Import a phone backup
            </button>
            <button type="button" className="button" onClick={() => onNavigate('backup')}>
              Restore from a Chatkeep backup
            </button>
          </div>
        </div>
        {/* Keeps watching for the first chats to arrive. */}
        <div hidden>
          <ChatList selectedId={null} onSelect={() => {}} version={version} onTotal={setTotal} />
        </div>
      </>
    );
  }

  const showList = !singlePane || !open;
  const showConversation = !singlePane || open !== null;
  const classes = [
    'chats',
    open ? 'has-open' : '',
    panel ? 'has-panel' : '',
    singlePane ? 'single' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes}>
      {showList && (
        <div className="chat-list-pane">
          <div className="pane-header">
            <h1>Chats</h1>
            <button
              type="button"
              className="icon-button"
              aria-label="Choose chats to export"
              title="Choose chats to export (or Ctrl+click them)"
              aria-pressed={chosen !== null}
              onClick={() => setChosen((c) => (c ? null : new Set()))}
            >
              <Icon name="select" />
            </button>
          </div>
          <div className="pane-search" role="search">
            <Icon name="search" size={18} className="pane-search-icon" />
            <input
              ref={searchBox}
              id="search-all"
              className="text-input search-input"
              type="search"
              placeholder="Search chats and messages"
              aria-label="Search chats and messages"
              title="Search chats and messages (Ctrl+K)"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && query) {
                  e.preventDefault();
                  setQuery('');
                } else if (e.key === 'ArrowDown' && searching) {
                  e.preventDefault();
                  document.querySelector<HTMLElement>('.search-listbox')?.focus();
                }
              }}
            />
          </div>
          {searching ? (
            <SearchResults
              query={query.trim()}
              search={search}
              onOpenChat={onOpenFoundChat}
              onOpenHit={onOpenHit}
            />
          ) : (
            <ChatList
              selectedId={open?.chatId ?? null}
              onSelect={(chatId) => openChat(chatId)}
              version={version}
              onTotal={setTotal}
              selection={chosen}
              onToggle={toggleChosen}
            />
          )}
          {chosen && (
            <div className="selection-bar" role="toolbar" aria-label="Chosen chats">
              <span role="status">
                {chosen.size === 0
                  ? 'Choose chats to export'
                  : `${chosen.size} chat${chosen.size === 1 ? '' : 's'} chosen`}
              </span>
              <button
                type="button"
                className="button primary"
                disabled={chosen.size === 0}
                onClick={() =>
                  setExporting({
                    chats: [...chosen],
                    what: `${chosen.size} chat${chosen.size === 1 ? '' : 's'}`,
                  })
                }
              >
                Export…
              </button>
              <button
                type="button"
                className="button"
                onClick={() => setExporting({ chats: 'all', what: 'all chats' })}
              >
                Export all…
              </button>
              <button type="button" className="button" onClick={() => setChosen(null)}>
                Done
              </button>
            </div>
          )}
        </div>
      )}
      {showConversation &&
        (open ? (
          <Conversation
            key={`${open.chatId}:${open.focus ?? ''}`}
            chatId={open.chatId}
            focusMessageId={open.focus}
            singlePane={singlePane}
            onBack={() => {
              setOpen(null);
              setPanel(null);
            }}
            panel={panel}
            onPanel={setPanel}
            searchRequest={chatSearchRequest}
            onOpenMedia={onOpenMedia}
            onNotice={setNotice}
            onExport={(title) => setExporting({ chats: [open.chatId], what: title || 'this chat' })}
          />
        ) : (
          <div className="empty-state conversation-empty">
            <Icon name="chats" size={40} />
            <p>Choose a chat to read it.</p>
            <p className="hint">Ctrl+K searches every chat.</p>
          </div>
        ))}
      {open && panel && (
        <aside
          className="side-panel"
          aria-label={panel === 'info' ? 'Chat info' : 'Media, links and docs'}
        >
          <div className="side-panel-head">
            {panel === 'media' && (
              <button
                type="button"
                className="icon-button"
                onClick={() => setPanel('info')}
                aria-label="Back to chat info"
              >
                <Icon name="back" />
              </button>
            )}
            <h2>{panel === 'info' ? 'Chat info' : 'Media, links and docs'}</h2>
            <button
              type="button"
              className="icon-button"
              onClick={() => setPanel(null)}
              aria-label="Close panel"
            >
              <Icon name="close" />
            </button>
          </div>
          <MessageActionsContext.Provider value={panelActions}>
            {panel === 'info' ? (
              <ChatInfo chatId={open.chatId} onOpenGallery={() => setPanel('media')} />
            ) : (
              <MediaGallery
                chatId={open.chatId}
                onOpenItem={(item) => setViewer({ chatId: open.chatId, start: item })}
                onShowInChat={showInChat}
              />
            )}
          </MessageActionsContext.Provider>
        </aside>
      )}
      {viewer && (
        <Lightbox
          chatId={viewer.chatId}
          start={viewer.start}
          mediaUrl={mediaUrl}
          onClose={() => setViewer(null)}
          onShowInChat={showInChat}
          onNotice={setNotice}
        />
      )}
      {exporting && (
        <ExportDialog
          chats={exporting.chats}
          what={exporting.what}
          onClose={() => setExporting(null)}
        />
      )}
      <div className="toast" role="status" aria-live="polite">
        {notice}
      </div>
    </div>
  );
}
