import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { Section } from '../shared/ipc/contract';

export interface MenuActions {
  showSection(section: Section): void;
}

export function buildAppMenu(actions: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Import a Phone Backup…',
          accelerator: 'CmdOrCtrl+I',
          click: () => actions.showSection('import'),
        },
        {
          label: 'Restore from a Chatkeep Backup…',
          click: () => actions.showSection('backup'),
        },
        { type: 'separator' },
        {
          label: 'Settings',
          accelerator: 'CmdOrCtrl+,',
          click: () => actions.showSection('settings'),
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Chats', accelerator: 'CmdOrCtrl+1', click: () => actions.showSection('chats') },
        { label: 'Backup', accelerator: 'CmdOrCtrl+2', click: () => actions.showSection('backup') },
        { label: 'Import', accelerator: 'CmdOrCtrl+3', click: () => actions.showSection('import') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
