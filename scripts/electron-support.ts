import semver from 'semver';

/** scripts/electron-majors.json, written by scripts/refresh-electron-majors.mjs. */
export interface PinnedMajors {
  checkedAt: string;
  newestStableMajors: number[];
  newestStable: Record<string, string>;
}

/**
 * Electron releases a major every eight weeks and supports the newest three. A list older than
 * this has missed at least one release, so whatever it says about support is no longer sure.
 */
export const PINNED_LIST_MAX_AGE_DAYS = 84;

/**
 * Why the Electron this project builds with is not (or may no longer be) a supported one; empty
 * when it is. The electron the lockfile resolves and the lowest the package.json range allows
 * must both be within the newest three stable majors of the pinned list.
 */
export function electronSupportProblems(input: {
  declaredRange: string;
  lockedVersion: string;
  pinned: PinnedMajors;
  today: Date;
}): string[] {
  const problems: string[] = [];
  const { pinned } = input;
  const oldestSupported = Math.min(...pinned.newestStableMajors);
  const ageDays = (input.today.getTime() - Date.parse(pinned.checkedAt)) / 86_400_000;
  if (!(ageDays <= PINNED_LIST_MAX_AGE_DAYS)) {
    problems.push(
      `scripts/electron-majors.json was checked on ${pinned.checkedAt}, more than ` +
        `${PINNED_LIST_MAX_AGE_DAYS} days ago: run "npm run electron:majors" and commit it.`,
    );
  }
  if (pinned.newestStableMajors.length !== 3) {
    problems.push('scripts/electron-majors.json must list the three newest stable majors.');
  }
  const locked = semver.major(input.lockedVersion);
  if (locked < oldestSupported) {
    problems.push(
      `package-lock.json resolves electron ${input.lockedVersion}, older than the three newest ` +
        `majors (${pinned.newestStableMajors.join(', ')}): Electron ${locked} gets no security ` +
        'fixes. Move "electron" in package.json to the newest major.',
    );
  }
  const lowest = semver.minVersion(input.declaredRange);
  if (!lowest || semver.major(lowest) < oldestSupported) {
    problems.push(
      `package.json allows electron "${input.declaredRange}", which reaches below Electron ` +
        `${oldestSupported}.`,
    );
  }
  if (!semver.satisfies(input.lockedVersion, input.declaredRange)) {
    problems.push(
      `package-lock.json's electron ${input.lockedVersion} is not in package.json's ` +
        `"${input.declaredRange}": run npm install.`,
    );
  }
  return problems;
}
