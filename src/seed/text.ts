import type { Random } from './random.js';

/**
 * Chat-like text in several languages and scripts. Words are drawn Zipf-like (the first words of
 * each list are the most frequent), lengths are mostly short with a long tail, a few messages
 * span several lines, and emoji appear as people use them.
 */

interface Language {
  code: string;
  /** Joined without spaces (Chinese, Japanese). */
  noSpaces: boolean;
  words: string[];
  ends: string[];
}

const LANGUAGES: Language[] = [
  {
    code: 'en',
    noSpaces: false,
    words:
      'the I you to a and it is that of we for in on see just ok at be my this what have so are coffee will with do not can tonight tomorrow yes no thanks love call meeting later time home work good great lol now here there dinner weekend photo train late soon sure really'.split(
        ' ',
      ),
    ends: ['', '', '.', '!', '?', '...'],
  },
  {
    code: 'es',
    noSpaces: false,
    words:
      'que de la el y en a no los se un por café mañana qué sí gracias vale está bien ahora luego también niño año cómo dónde más nos vemos allí jajaja cena fin semana trabajo casa después pronto canción corazón'.split(
        ' ',
      ),
    ends: ['', '.', '!', '?'],
  },
  {
    code: 'de',
    noSpaces: false,
    words:
      'ich du das ist und nicht die der ja nein danke morgen heute Straße Grüße schön für über Kaffee Büro gemütlich später Zug Bahnhof Wochenende Mädchen Brötchen wir sehen uns bald grüß gott genau alles gut'.split(
        ' ',
      ),
    ends: ['', '.', '!', '?'],
  },
  {
    code: 'ru',
    noSpaces: false,
    words:
      'я ты не что это да нет и в на привет спасибо завтра сегодня кофе дома работа вечером хорошо ладно давай встретимся позже поезд выходные фото смотри люблю пока'.split(
        ' ',
      ),
    ends: ['', '.', '!', '?', ')'],
  },
  {
    code: 'el',
    noSpaces: false,
    words:
      'και να το δεν είναι θα καλημέρα ευχαριστώ αύριο σήμερα καφές σπίτι δουλειά εντάξει ναι όχι τα λέμε αργότερα Σαββατοκύριακο φωτογραφία τρένο αγάπη'.split(
        ' ',
      ),
    ends: ['', '.', '!', ';'],
  },
  {
    code: 'ar',
    noSpaces: false,
    words:
      'أنا أنت في من على هذا نعم لا شكرا مرحبا غدا اليوم قهوة البيت العمل بعد قليلا حسنا نلتقي مساء القطار صورة حبيبي'.split(
        ' ',
      ),
    ends: ['', '.', '!', '؟'],
  },
  {
    code: 'zh',
    noSpaces: true,
    words:
      '我 你 是 的 了 不 好 在 我们 明天 今天 咖啡 北京 上海 工作 回家 晚饭 周末 谢谢 没问题 照片 火车 一起 看看 吧 吗'.split(
        ' ',
      ),
    ends: ['', '。', '！', '？'],
  },
  {
    code: 'ja',
    noSpaces: true,
    words:
      'は が を に です ます 今日 明日 東京 コーヒー 仕事 家 週末 写真 電車 ありがとう 大丈夫 一緒に 行きましょう 楽しかった また ね よろしく'.split(
        ' ',
      ),
    ends: ['', '。', '！', '？'],
  },
];

/** Cumulative Zipf weights (1/rank) per language, for O(log n) word draws. */
const ZIPF = new Map(
  LANGUAGES.map((l) => {
    const cumulative = new Float64Array(l.words.length);
    let sum = 0;
    l.words.forEach((_, i) => (cumulative[i] = sum += 1 / (i + 1)));
    return [l.code, cumulative];
  }),
);

/** Share of messages per language (same order as LANGUAGES). */
const LANGUAGE_WEIGHTS = [50, 12, 9, 8, 5, 5, 6, 5];

const EMOJI = [
  '😂',
  '❤️',
  '👍',
  '🙏',
  '😊',
  '🎉',
  '😭',
  '🔥',
  '😅',
  '🤔',
  '👀',
  '🙌',
  '😍',
  '👋',
  '🥳',
];

/**
 * Words that appear in about one message in 20,000: rare search terms with known, stable
 * frequency for the benchmark and the tests.
 */
export const RARE_WORDS = ['quetzal', 'zamioculcas', 'bergamotte'];
const RARE_RATE = 1 / 20_000;

export type LanguageCode = 'en' | 'es' | 'de' | 'ru' | 'el' | 'ar' | 'zh' | 'ja' | 'emoji';

export class TextMaker {
  constructor(private readonly random: Random) {}

  /** A chat's usual language: most chats mostly use one. */
  chatLanguage(): number {
    return this.random.weighted(LANGUAGE_WEIGHTS);
  }

  /** One message's text, mostly in the chat's language. */
  message(chatLanguage: number): string {
    const r = this.random;
    if (r.chance(0.04)) return Array.from({ length: r.int(1, 3) }, () => r.pick(EMOJI)).join('');
    const lang = r.chance(0.85) ? chatLanguage : r.weighted(LANGUAGE_WEIGHTS);
    const roll = r.next();
    const lines = roll < 0.02 ? r.int(2, 5) : 1;
    const out: string[] = [];
    for (let i = 0; i < lines; i++) {
      const size = r.next();
      const words = size < 0.6 ? r.int(1, 6) : size < 0.92 ? r.int(7, 20) : r.int(20, 60);
      out.push(this.sentence(lang, words));
    }
    let text = out.join('\n');
    if (r.chance(RARE_RATE * RARE_WORDS.length)) text += ` ${r.pick(RARE_WORDS)}`;
    if (r.chance(0.12)) text += ` ${r.pick(EMOJI)}`;
    return text;
  }

  private sentence(langIndex: number, count: number): string {
    const lang = LANGUAGES[langIndex] ?? LANGUAGES[0];
    if (!lang) return '';
    const cumulative = ZIPF.get(lang.code) ?? new Float64Array(1);
    const words: string[] = [];
    for (let i = 0; i < count; i++)
      words.push(lang.words[this.random.weightedCumulative(cumulative)] ?? '');
    const first = words[0] ?? '';
    if (!lang.noSpaces && first) words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    return words.join(lang.noSpaces ? '' : ' ') + this.random.pick(lang.ends);
  }
}

const FIRST_NAMES = [
  'Ana',
  'Lucía',
  'Mateo',
  'Jürgen',
  'Sophie',
  'Oliver',
  'Emma',
  'Noah',
  'Olga',
  'Дмитрий',
  'Анна',
  'Νίκος',
  'Ελένη',
  'محمد',
  'فاطمة',
  '王芳',
  '李伟',
  '佐藤',
  'さくら',
  'Liam',
  'Chloé',
  'Zoë',
  'José',
  'Søren',
  'Ingrid',
  'Priya',
  'Kwame',
  'Aiyana',
  'Björn',
  'Małgorzata',
];
const LAST_NAMES = [
  'García',
  'Müller',
  'Smith',
  'Иванов',
  'Παπαδόπουλος',
  'Haddad',
  'Chen',
  'Tanaka',
  'Johnson',
  'Łukasiewicz',
  'Dubois',
  'Rossi',
  'Nakamura',
  'Okafor',
  'Kowalski',
];
const GROUP_NAMES = [
  'Family',
  'Familia 🏡',
  'Book club 📚',
  'Running crew',
  'Семья',
  'Οι φίλοι',
  'Work – project X',
  'Weekend trip ✈️',
  'Wohnung WG',
  '同学会',
  '家族',
  'Neighbours',
  'Football Sunday ⚽',
  'Birthday plans 🎂',
  'Uni friends',
  'جيران الحي',
];

export function personName(random: Random): string {
  return `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
}

export function groupName(random: Random, n: number): string {
  const base = random.pick(GROUP_NAMES);
  return n < GROUP_NAMES.length ? base : `${base} ${n}`;
}
