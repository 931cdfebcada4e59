/**
 * Signal's message `type` column (its public MessageTypes interface): a base type in the low
 * five bits, then groups of flags. Which messages are ours, which are events to show as a
 * sentence, and which are not chat history at all.
 */

const BASE_MASK = 0x1f;
const OUTGOING_BASES = new Set([2, 11, 21, 22, 23, 24, 25, 26]);
const DRAFT = 27;

const KEY_EXCHANGE_IDENTITY_VERIFIED = 0x4000;
const KEY_EXCHANGE_IDENTITY_DEFAULT = 0x2000;
const KEY_EXCHANGE_IDENTITY_UPDATE = 0x200;
const END_SESSION = 0x400000;
const GROUP_UPDATE = 0x10000;
const GROUP_LEAVE = 0x20000;
const EXPIRATION_TIMER_UPDATE = 0x40000;
const GROUP_V2 = 0x80000;

const SPECIAL_MASK = 0xf00000000;
const SPECIAL = {
  storyReaction: 0x100000000,
  giftBadge: 0x200000000,
  paymentsNotification: 0x300000000,
  paymentsActivateRequest: 0x400000000,
  reportedSpam: 0x500000000,
  messageRequestAccepted: 0x600000000,
  paymentsActivated: 0x800000000,
  paymentsTombstone: 0x900000000,
} as const;

const big = (type: number | bigint): bigint =>
  typeof type === 'bigint' ? type : BigInt(Math.trunc(type));
const base = (type: number | bigint): number => Number(big(type) & BigInt(BASE_MASK));
const has = (type: number | bigint, bit: number): boolean => (big(type) & BigInt(bit)) !== 0n;
const special = (type: number | bigint): number => Number(big(type) & BigInt(SPECIAL_MASK));

export function isOutgoing(type: number | bigint): boolean {
  return OUTGOING_BASES.has(base(type));
}

/**
 * Rows that are not part of the conversation: drafts, reactions to stories, and Signal's own
 * notices about donations and SMS export.
 */
export function skipType(type: number | bigint): boolean {
  const b = base(type);
  return b === DRAFT || b === 15 || b === 17 || special(type) === SPECIAL.storyReaction;
}

export interface SystemEvent {
  text: string;
  extra: Record<string, unknown>;
}

interface EventContext {
  /** "You" for the owner, else the author's name. */
  actor: string;
  expiresInMs: number | null;
  chatTitle: string;
}

function duration(ms: number): string {
  const units: [number, string][] = [
    [7 * 86_400_000, 'week'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.round(ms / 1000)} seconds`;
}

function call(video: boolean, missed: boolean, text: string): SystemEvent {
  return { text, extra: { call: { video, durationS: null, missed } } };
}

/** The sentence for an event row, or null for an ordinary message. */
export function systemEvent(type: number | bigint, c: EventContext): SystemEvent | null {
  const b = base(type);
  const plain = (text: string): SystemEvent => ({ text, extra: {} });
  const you = c.actor === 'You';
  switch (b) {
    case 1:
      return call(false, false, 'Incoming voice call');
    case 2:
      return call(false, false, 'Outgoing voice call');
    case 3:
      return call(false, true, 'Missed voice call');
    case 8:
      return call(true, true, 'Missed video call');
    case 10:
      return call(true, false, 'Incoming video call');
    case 11:
      return call(true, false, 'Outgoing video call');
    case 12:
      return call(
        false,
        false,
        you ? 'You started a group call' : `${c.actor} started a group call`,
      );
    case 4:
      return plain(`${c.actor} is on Signal`);
    case 5:
      return plain(`${c.actor} sent a message this version of Signal could not show`);
    case 6:
      return plain('A message could not be processed');
    case 7:
      return plain(`${c.actor} changed their profile name`);
    case 9:
      return plain('This group was upgraded to a New Group');
    case 13:
      return plain(`A message from ${c.actor} could not be delivered`);
    case 14:
      return plain(`${c.actor} changed their phone number`);
    case 16:
    case 18:
      return plain(`Your message history with ${c.chatTitle} was merged`);
  }
  if (has(type, GROUP_UPDATE) || (has(type, GROUP_LEAVE) && !has(type, GROUP_V2))) {
    if (has(type, GROUP_LEAVE))
      return plain(you ? 'You left the group' : `${c.actor} left the group`);
    return plain(you ? 'You updated the group' : `${c.actor} updated the group`);
  }
  if (has(type, EXPIRATION_TIMER_UPDATE)) {
    const ms = c.expiresInMs ?? 0;
    return {
      text:
        ms > 0
          ? `${c.actor} set disappearing messages to ${duration(ms)}`
          : `${c.actor} turned off disappearing messages`,
      extra: { expiresInMs: ms },
    };
  }
  if (has(type, KEY_EXCHANGE_IDENTITY_UPDATE))
    return plain(`Your safety number with ${you ? c.chatTitle : c.actor} has changed`);
  if (has(type, KEY_EXCHANGE_IDENTITY_VERIFIED))
    return plain(`You marked your safety number with ${c.chatTitle} verified`);
  if (has(type, KEY_EXCHANGE_IDENTITY_DEFAULT))
    return plain(`You marked your safety number with ${c.chatTitle} unverified`);
  if (has(type, END_SESSION)) return plain('Secure session reset');
  switch (special(type)) {
    case SPECIAL.giftBadge:
      return plain(`${c.actor} sent a gift badge`);
    case SPECIAL.paymentsNotification:
    case SPECIAL.paymentsActivateRequest:
    case SPECIAL.paymentsActivated:
    case SPECIAL.paymentsTombstone:
      return plain(`${c.actor} sent a payment notice`);
    case SPECIAL.reportedSpam:
      return plain('Reported as spam');
    case SPECIAL.messageRequestAccepted:
      return plain('You accepted the message request');
  }
  return null;
}
