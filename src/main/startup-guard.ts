/**
 * Switches that would let another program on the computer drive Chatkeep and read its chats:
 * Chromium's remote debugging and Node's inspector. The fuses (electron-builder.yml) already
 * stop Node's inspector arguments in a packaged app; these are refused before anything loads.
 */
const DEBUG_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'inspect',
  'inspect-brk',
  'inspect-port',
] as const;

/** The first debugging switch Chatkeep was started with, or null. */
export function debuggingSwitch(
  commandLine: { hasSwitch(name: string): boolean },
  argv: readonly string[],
): string | null {
  for (const name of DEBUG_SWITCHES) {
    if (commandLine.hasSwitch(name)) return name;
    if (argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))) return name;
  }
  return null;
}
