/**
 * Plain sentences for WhatsApp Android's system messages (`message_system.action_type`).
 *
 * WhatsApp does not document these codes. The ones mapped here are those that public readers of
 * msgstore.db agree on: KnugiHK/WhatsApp-Chat-Exporter (MIT) names 1, 4, 5, 6, 7, 10, 11, 12,
 * 14, 18, 19, 20, 27, 28, 56, 57 and 58; independent forensic schemas and readers confirm 1
 * (subject), 6 (group icon), 11 (group created), 12 (added), 14 (removed), 27 (description),
 * 28 (number change), 56 (disappearing messages) and 58 (blocked), and that the new subject or
 * description is the message's `text_data`, the people an action names are in
 * `message_system_chat_participant`, and a number change's jids in
 * `message_system_number_change`. Every other code keeps a generic text; the code itself is
 * always kept in `extra.systemAction`.
 */

export interface SystemActionContext {
  action: number;
  /** Who did it: "You", a name, or null when the row does not say. */
  actor: string | null;
  /** The people the action names (added, removed...), as display names. */
  participants: string[];
  /** `text_data`: the new subject or description. */
  value: string | null;
  /** A direct chat's other person, for actions about them. */
  partner: string | null;
  oldNumber: string | null;
  newNumber: string | null;
}

function list(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The sentence for a known code, or null for the others. */
export function systemSentence(c: SystemActionContext): string | null {
  const actor = c.actor ?? 'Someone';
  const named = c.participants.length > 0 ? list(c.participants) : null;
  switch (c.action) {
    case 1:
      return c.value
        ? `${actor} changed the group name to "${c.value}"`
        : `${actor} changed the group name`;
    case 4:
      return `${named ?? actor} joined the group`;
    case 5:
      return `${named ?? actor} left`;
    case 6:
      return `${actor} changed the group icon`;
    case 7:
      return 'You were removed';
    case 10:
    case 28:
      return c.oldNumber && c.newNumber
        ? `${c.oldNumber} changed their phone number to ${c.newNumber}`
        : `${named ?? actor} changed their phone number`;
    case 11:
      return c.value ? `${actor} created the group "${c.value}"` : `${actor} created the group`;
    case 12:
      return named ? `${actor} added ${named}` : `${actor} added someone`;
    case 14:
      return named ? `${actor} removed ${named}` : `${actor} removed someone`;
    case 18:
    case 57: {
      const who = c.partner ?? named ?? (c.actor && c.actor !== 'You' ? c.actor : null);
      return who
        ? `Your security code with ${who} changed`
        : 'The security code in this chat changed';
    }
    case 19:
      return 'Messages and calls are end-to-end encrypted';
    case 20:
      return `${named ?? actor} joined using this group's invite link`;
    case 27:
      return `${actor} changed the group description`;
    case 56:
      return `${actor} changed the disappearing messages setting`;
    case 58:
      return 'You blocked this contact';
    default:
      return null;
  }
}
