import { Menu, Tray, nativeImage } from 'electron';

export interface TrayActions {
  backUpNow(): void;
  open(): void;
  quit(): void;
  status(): string;
}

/**
 * While backups are on, closing the window keeps Chatkeep in the tray / menu bar so scheduled
 * backups still run. The menu is rebuilt on open so the status line is current.
 */
export function createTray(iconPath: string, actions: TrayActions): Tray {
  const tray = new Tray(nativeImage.createFromPath(iconPath));
  tray.setToolTip('Chatkeep');
  const menu = () =>
    Menu.buildFromTemplate([
      { label: actions.status(), enabled: false },
      { type: 'separator' },
      { label: 'Back Up Now', click: actions.backUpNow },
      { label: 'Open Chatkeep', click: actions.open },
      { type: 'separator' },
      { label: 'Quit Chatkeep', click: actions.quit },
    ]);
  tray.setContextMenu(menu());
  tray.on('click', actions.open);
  tray.on('mouse-move', () => tray.setContextMenu(menu()));
  return tray;
}
