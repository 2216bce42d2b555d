// Telegram's reading of a message sent with parse_mode "HTML", as the Bot API documents it
// (https://core.telegram.org/bots/api#html-style): the supported tags become entities, the four
// named entities and numeric ones are decoded, and anything else is refused with Telegram's
// "can't parse entities" description. It is stricter than Telegram in one way: a bare `&`, `<` or
// `>` that is not part of a tag or an entity is refused (the documentation says to escape all
// three), so a sender that passes here escapes properly.

export interface MessageEntity {
  type: string;
  /** In UTF-16 code units of the visible text, as the Bot API counts. */
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export type ParsedHtml = { ok: true; text: string; entities: MessageEntity[] } | { ok: false; description: string };

const ENTITY_OF_TAG: Readonly<Record<string, string>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  start: number;
  attributes: Record<string, string>;
  /** A pre block's, from the code tag inside it. */
  language?: string;
}

export function parseTelegramHtml(html: string): ParsedHtml {
  let text = '';
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  const fail = (detail: string): ParsedHtml => ({ ok: false, description: `Bad Request: can't parse entities: ${detail}` });
  const at = (index: number) => Buffer.byteLength(html.slice(0, index), 'utf8');

  for (let i = 0; i < html.length; ) {
    const char = html[i]!;
    if (char === '&') {
      const entity = /^&(?:(lt|gt|amp|quot)|#(\d{1,7})|#x([0-9a-f]{1,6}));/i.exec(html.slice(i, i + 12));
      const decoded = entity && decodeEntity(entity);
      if (!decoded) return fail(`Character '&' at byte offset ${at(i)} is not a part of an HTML entity; write it as &amp;`);
      text += decoded;
      i += entity[0].length;
    } else if (char === '>') {
      return fail(`Character '>' at byte offset ${at(i)} is not a part of a tag; write it as &gt;`);
    } else if (char === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return fail(`Unclosed start tag at byte offset ${at(i)}`);
      const inside = html.slice(i + 1, end);
      if (inside.startsWith('/')) {
        const name = inside.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (!top) return fail(`Unexpected end tag at byte offset ${at(i)}`);
        if (name !== top.name) return fail(`Unmatched end tag at byte offset ${at(i)}, expected "</${top.name}>", found "</${name}>"`);
        const pre = open.at(-1);
        // <pre><code class="language-x"> is one entity: a pre block with a language.
        if (top.name === 'code' && pre?.name === 'pre') pre.language = languageOf(top);
        else entities.push(entityOf(top, text.length));
      } else {
        const tag = startTag(inside);
        if (!tag || !(tag.name in ENTITY_OF_TAG)) return fail(`Unsupported start tag "${tag?.name ?? inside}" at byte offset ${at(i)}`);
        if (tag.name === 'span' && tag.attributes.class !== 'tg-spoiler') return fail(`Tag "span" must have class "tg-spoiler" at byte offset ${at(i)}`);
        if (tag.name === 'a' && !tag.attributes.href) return fail(`Tag "a" must have attribute "href" at byte offset ${at(i)}`);
        const inCode = open.find((t) => t.name === 'code' || t.name === 'pre');
        if (inCode && !(tag.name === 'code' && open.at(-1)?.name === 'pre')) {
          return fail(`Can't use tag "${tag.name}" inside "${inCode.name}" at byte offset ${at(i)}`);
        }
        open.push({ ...tag, start: text.length });
      }
      i = end + 1;
    } else {
      text += char;
      i++;
    }
  }
  const unclosed = open.pop();
  if (unclosed) return fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { ok: true, text, entities: entities.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset) };
}

function decodeEntity(match: RegExpExecArray): string | undefined {
  const [, name, decimal, hex] = match;
  if (name) return NAMED[name.toLowerCase()];
  const code = decimal ? Number(decimal) : parseInt(hex!, 16);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** A start tag's name and attributes; undefined when it is not well formed. */
function startTag(inside: string): { name: string; attributes: Record<string, string> } | undefined {
  const head = /^([a-z][a-z0-9-]*)/i.exec(inside);
  if (!head) return undefined;
  const attributes: Record<string, string> = {};
  const rest = inside.slice(head[0].length);
  const attribute = /\s+([a-z][a-z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=]+)))?/giy;
  let consumed = 0;
  for (let m = attribute.exec(rest); m; m = attribute.exec(rest)) {
    attributes[m[1]!.toLowerCase()] = decodeAttribute(m[2] ?? m[3] ?? m[4] ?? '');
    consumed = attribute.lastIndex;
  }
  if (rest.slice(consumed).trim() !== '') return undefined;
  return { name: head[1]!.toLowerCase(), attributes };
}

function decodeAttribute(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => NAMED[name]!);
}

function entityOf(tag: OpenTag, end: number): MessageEntity {
  const entity: MessageEntity = { type: ENTITY_OF_TAG[tag.name]!, offset: tag.start, length: end - tag.start };
  if (tag.name === 'a') entity.url = tag.attributes.href;
  const language = tag.language ?? languageOf(tag);
  if (language) entity.language = language;
  return entity;
}

function languageOf(tag: OpenTag): string | undefined {
  const name = tag.attributes.class;
  return name?.startsWith('language-') ? name.slice('language-'.length) : undefined;
}
