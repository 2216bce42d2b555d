// Telegram refuses a message over 4096 characters. A long answer is cut into parts at the last
// paragraph break that fits, else the last line break, else the last space, else at the limit
// itself (never between the two halves of a surrogate pair). A code block cut in two is closed at
// the end of the first part and opened again, with its language, at the start of the next, so
// both parts render as code.

export const TELEGRAM_MESSAGE_LIMIT = 4096;

const CLOSING_FENCE = '\n```';

export function splitMessage(text: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  /** The fence line of a code block left open by the previous part. */
  let reopen: string | undefined;
  while (rest.length > 0) {
    // A fence line too long to repeat (no model writes one) is not repeated.
    const prefix = reopen && reopen.length < limit / 4 ? `${reopen}\n` : '';
    if (prefix.length + rest.length <= limit) {
      parts.push(prefix + rest);
      break;
    }
    let cut = cutPoint(rest, limit - prefix.length);
    let open = openFenceAtEnd(prefix + rest.slice(0, cut));
    if (open) {
      // Room for the closing fence; the shorter cut may land outside the block after all.
      cut = cutPoint(rest, limit - prefix.length - CLOSING_FENCE.length);
      open = openFenceAtEnd(prefix + rest.slice(0, cut));
    }
    const head = prefix + rest.slice(0, cut).trimEnd();
    parts.push(open ? head + CLOSING_FENCE : head);
    reopen = open;
    rest = rest.slice(cut).replace(/^\n+/, '');
    if (!reopen) rest = rest.trimStart();
  }
  return parts;
}

/** Where to end a part of at most `room` characters of `text` (0 < result ≤ room). */
function cutPoint(text: string, room: number): number {
  for (const boundary of ['\n\n', '\n', ' ']) {
    const at = text.lastIndexOf(boundary, room);
    if (at > 0) return at;
  }
  const high = text.charCodeAt(room - 1);
  return high >= 0xd800 && high <= 0xdbff ? room - 1 : room;
}

/** The fence line (```lang) of a code block that `text` opens and does not close, if any. */
function openFenceAtEnd(text: string): string | undefined {
  let open: string | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('```')) continue;
    open = open ? undefined : line.trim();
  }
  return open;
}
