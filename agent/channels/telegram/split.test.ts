import { describe, expect, it } from 'vitest';
import { splitMessage, TELEGRAM_MESSAGE_LIMIT } from './split.ts';

describe('splitMessage', () => {
  it('leaves a message within the limit whole', () => {
    expect(splitMessage('short answer', 20)).toEqual(['short answer']);
  });

  it('cuts at the last paragraph break that fits', () => {
    // "aaaa aaaa" (9) + "\n\n" + "bbbb bbbb" (9) is exactly 20; the second break starts at 20.
    expect(splitMessage('aaaa aaaa\n\nbbbb bbbb\n\ncccc', 20)).toEqual(['aaaa aaaa\n\nbbbb bbbb', 'cccc']);
  });

  it('cuts at a line break when no paragraph break fits, then at a space, then anywhere', () => {
    expect(splitMessage('line one\nline two\nline three', 10)).toEqual(['line one', 'line two', 'line three']);
    expect(splitMessage('alpha beta gamma delta', 10)).toEqual(['alpha beta', 'gamma', 'delta']);
    expect(splitMessage('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('never cuts between the two halves of a surrogate pair', () => {
    // The emoji is two UTF-16 units at positions 3 and 4: a cut at 4 would split it.
    expect(splitMessage('abc😀def', 4)).toEqual(['abc', '😀de', 'f']);
  });

  it('closes a code block cut in two and opens it again, with its language, in the next part', () => {
    const parts = splitMessage('```py\nprint(1)\nprint(2)\nprint(3)\n```', 30);
    expect(parts).toEqual(['```py\nprint(1)\nprint(2)\n```', '```py\nprint(3)\n```']);
    expect(parts.every((p) => p.length <= 30)).toBe(true);
  });

  it("keeps every part of a long answer within Telegram's 4096 characters, cut at paragraphs", () => {
    const [a, b, c] = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(100)];
    expect(splitMessage(`${a}\n\n${b}\n\n${c}`)).toEqual([a, `${b}\n\n${c}`]);
    expect(TELEGRAM_MESSAGE_LIMIT).toBe(4096);
  });
});
