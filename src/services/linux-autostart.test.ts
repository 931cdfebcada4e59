import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LinuxAutostart } from './linux-autostart';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('LinuxAutostart', () => {
  it('writes and removes an XDG autostart entry with a quoted Exec line', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ck-autostart-'));
    dirs.push(home);
    const autostart = new LinuxAutostart(home, '/opt/Chat keep/chatkeep');
    expect(autostart.isEnabled()).toBe(false);
    autostart.set(true);
    expect(autostart.isEnabled()).toBe(true);
    const entry = readFileSync(path.join(home, 'autostart', 'chatkeep.desktop'), 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/opt/Chat keep/chatkeep" --hidden');
    autostart.set(false);
    expect(autostart.isEnabled()).toBe(false);
  });
});
