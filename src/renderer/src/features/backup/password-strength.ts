/**
 * Password strength by zxcvbn (the dictionaries are large, so they load on first use, in their
 * own chunk). A backup password guards years of chats against offline guessing of a stolen
 * backup folder, so anything below score 3 ("safely unguessable") is refused, with zxcvbn's own
 * feedback as the reason.
 */

export const MIN_SCORE = 3;

export interface Strength {
  /** 0 (too guessable) to 4 (very unguessable). */
  score: 0 | 1 | 2 | 3 | 4;
  label: string;
  acceptable: boolean;
  /** Why it is weak and what would help; empty when it is fine. */
  feedback: string[];
}

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

type Zxcvbn = (
  password: string,
  userInputs?: string[],
) => {
  score: 0 | 1 | 2 | 3 | 4;
  feedback: { warning: string | null; suggestions: string[] };
};

let loading: Promise<Zxcvbn> | null = null;

/** Loads zxcvbn and sets its options exactly once. */
export function loadZxcvbn(): Promise<Zxcvbn> {
  loading ??= (async () => {
    const [core, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    core.zxcvbnOptions.setOptions({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
    return core.zxcvbn as Zxcvbn;
  })();
  return loading;
}

/** Words that would make a password guessable here in particular. */
const APP_WORDS = ['chatkeep', 'backup', 'chats', 'whatsapp', 'telegram', 'signal'];

export async function passwordStrength(password: string): Promise<Strength> {
  const zxcvbn = await loadZxcvbn();
  const result = zxcvbn(password, APP_WORDS);
  const acceptable = result.score >= MIN_SCORE;
  const feedback = acceptable
    ? []
    : [result.feedback.warning, ...result.feedback.suggestions].filter(
        (s): s is string => typeof s === 'string' && s.length > 0,
      );
  if (!acceptable && feedback.length === 0) {
    feedback.push('Add more words or characters that are not easy to guess.');
  }
  return { score: result.score, label: LABELS[result.score], acceptable, feedback };
}
