import { useCallback, useEffect, useState } from 'react';
import { SECTIONS, type Section } from '../../shared/ipc/contract';
import { api } from './api';
import { BackupSection } from './features/backup';
import { ChatsSection } from './features/chats';
import { ImportSection } from './features/import';
import { SettingsSection } from './features/settings';
import { applyAppearance } from './ui/appearance';
import { Icon, type IconName } from './ui/Icon';

const LABELS: Record<Section, string> = {
  chats: 'Chats',
  backup: 'Backup',
  import: 'Import',
  settings: 'Settings',
};

const ICONS: Record<Section, IconName> = {
  chats: 'chats',
  backup: 'lock',
  import: 'import',
  settings: 'settings',
};

export function App() {
  const [section, setSection] = useState<Section>('chats');
  // A chat to open when the Chats section next shows (after an import or restore).
  const [chatToOpen, setChatToOpen] = useState<number | null>(null);
  const [searchFocus, setSearchFocus] = useState(0);

  useEffect(() => api.on('app.navigate', ({ section: next }) => setSection(next)), []);

  // The saved appearance (Settings applies changes itself, at once).
  const [appearanceVersion, setAppearanceVersion] = useState(0);
  useEffect(() => {
    void api.invoke('settings.get', {}).then(({ preferences }) => {
      applyAppearance(preferences);
      if (preferences.timeFormat !== 'system') setAppearanceVersion((n) => n + 1);
    });
  }, []);

  // Ctrl/Cmd+1..4 switch sections, as the app menu's accelerators do in Electron; Ctrl/Cmd+K
  // searches every chat from anywhere.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      if (event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setSection('chats');
        setSearchFocus((n) => n + 1);
        return;
      }
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
          <span className="app-brand-mark">
            <Icon name="lock" size={16} />
          </span>
          <span className="app-brand-name">Chatkeep</span>
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
                <Icon name={ICONS[s]} className="nav-icon" />
                <span className="nav-label">{LABELS[s]}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="app-main" aria-label={LABELS[section]}>
        {section === 'chats' && (
          <ChatsSection
            // Times are formatted as messages render: a new time format re-renders them.
            key={appearanceVersion}
            onNavigate={go}
            initialChatId={chatToOpen}
            searchFocusRequest={searchFocus}
          />
        )}
        {section === 'backup' && <BackupSection onNavigate={go} />}
        {section === 'import' && <ImportSection onNavigate={go} />}
        {section === 'settings' && <SettingsSection onNavigate={go} />}
      </main>
    </div>
  );
}
