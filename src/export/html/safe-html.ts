/**
 * HTML that is safe by construction. Every page of an exported archive is built with the `markup`
 * tagged template: whatever is interpolated is escaped unless it is already `SafeHtml` (made by
 * this template, or one of the few trusted constants below), so message text, names and file
 * names can never become markup, whoever wrote them. There is no "remember to escape" step to
 * forget, and no way to turn a plain string into `SafeHtml` except `trusted()`, which is only
 * for constants written in this code base.
 */

export class SafeHtml {
  /** Private by convention: create through `markup`, `join` or `trusted` only. */
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What may be interpolated: text (escaped), numbers, nothing, or SafeHtml and lists of it. */
export type HtmlValue =
  SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Text as HTML text or a quoted attribute value. NUL and other C0 controls (which HTML forbids)
 * and lone surrogates become U+FFFD, so no input can end up meaning something we did not write.
 */
export function escapeText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what it replaces
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c)
  );
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return escapeText(value);
  let out = '';
  for (const item of value) out += render(item);
  return out;
}

/**
 * The one way pages are written: `markup\`<p class="${cls}">${text}</p>\``. Attribute values must
 * be quoted in the template (they are, everywhere in src/export); inside quotes the escaping
 * above makes any value inert. (Not named `html`: Prettier would reformat templates of that
 * name as HTML, changing what pages contain.)
 */
export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Items joined by a separator, each escaped as `markup` would. */
export function join(items: readonly HtmlValue[], separator: HtmlValue = ''): SafeHtml {
  const sep = render(separator);
  return new SafeHtml(items.map(render).join(sep));
}

/**
 * Markup written in this code base (icons, the stylesheet's link): never pass anything that came
 * from a store, a file or a person.
 */
export function trusted(constant: string): SafeHtml {
  return new SafeHtml(constant);
}

/**
 * A link target: our own relative paths, or http(s) links. Anything with another scheme
 * (`javascript:`, `data:`, `file:`) or protocol-relative (`//host`) becomes a harmless `#`.
 */
export function safeHref(url: string): string {
  const trimmed = url.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
    try {
      const parsed = new URL(trimmed);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : '#';
    } catch {
      return '#';
    }
  }
  return trimmed.startsWith('//') || trimmed.startsWith('\\') ? '#' : trimmed;
}
