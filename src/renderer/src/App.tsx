import { useCallback, useEffect, useState } from 'react';
import { SECTIONS, type Section } from '../../shared/ipc/contract';
import { api } from './api';
import { BackupSection } from './sections/BackupSection';
import { ChatsSection } from './sections/ChatsSection';
import { ImportSection } from './sections/ImportSection';
import { SettingsSection } from './sections/SettingsSection';

const LABELS: Record<Section, string> = {
  chats: 'Chats',
  backup: 'Backup',
  import: 'Import',
  settings: 'Settings',
};

const ICONS: Record<Section, string> = {
  chats: '💬',
  backup: '🔒',
  import: '📥',
  settings: '⚙️',
};

export function App() {
  const [section, setSection] = useState<Section>('chats');
  // A chat to open when the Chats section next shows (after an import or restore).
  const [chatToOpen, setChatToOpen] = useState<number | null>(null);

  useEffect(() => api.on('app.navigate', ({ section: next }) => setSection(next)), []);

  // Ctrl/Cmd+1..4 switch sections, as the app menu's accelerators do in Electron.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const index = Number(event.key) - 1;
      const target = SECTIONS[index];
      if (target) {
        event.preventDefault();
        setSection(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const go = useCallback((next: Section, chatId?: number) => {
    if (chatId !== undefined) setChatToOpen(chatId);
    setSection(next);
  }, []);

  return (
    <div className="app">
      <nav className="app-nav" aria-label="Sections">
        <div className="app-brand" aria-hidden="true">
          Chatkeep
        </div>
        <ul>
          {SECTIONS.map((s, i) => (
            <li key={s}>
              <button
                type="button"
                className="nav-item"
                aria-current={section === s ? 'page' : undefined}
                onClick={() => go(s)}
                title={`${LABELS[s]} (Ctrl+${i + 1})`}
              >
                <span aria-hidden="true" className="nav-icon">
                  {ICONS[s]}
                </span>
                {LABELS[s]}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="app-main" aria-label={LABELS[section]}>
        {section === 'chats' && <ChatsSection onNavigate={go} initialChatId={chatToOpen} />}
        {section === 'backup' && <BackupSection onNavigate={go} />}
        {section === 'import' && <ImportSection onNavigate={go} />}
        {section === 'settings' && <SettingsSection />}
      </main>
    </div>
  );
}
