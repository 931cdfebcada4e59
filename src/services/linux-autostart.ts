import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * "Start at login" on Linux: an XDG autostart entry (~/.config/autostart/*.desktop), which every
 * freedesktop desktop runs at login. macOS and Windows use Electron's login items instead.
 */
export class LinuxAutostart {
  readonly file: string;

  constructor(
    configHome: string,
    private readonly execPath: string,
  ) {
    this.file = path.join(configHome, 'autostart', 'chatkeep.desktop');
  }

  isEnabled(): boolean {
    return existsSync(this.file);
  }

  set(enabled: boolean): void {
    if (!enabled) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Quote the path: desktop entries split Exec on spaces.
    const exec = `"${this.execPath.replace(/(["`$\\])/g, '\\$1')}" --hidden`;
    writeFileSync(
      this.file,
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Chatkeep',
        'Comment=Keeps your chat backups running',
        `Exec=${exec}`,
        'X-GNOME-Autostart-enabled=true',
        'Terminal=false',
        '',
      ].join('\n'),
    );
  }
}
