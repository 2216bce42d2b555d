import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from './html.ts';

const refused = (detail: string) => ({ ok: false, description: `Bad Request: can't parse entities: ${detail}` });

describe("Telegram's HTML parse mode", () => {
  it('turns tags into entities measured on the visible text', () => {
    expect(parseTelegramHtml('<b>bold</b> and <i>italic</i>')).toEqual({
      ok: true,
      text: 'bold and italic',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 9, length: 6 },
      ],
    });
  });

  it('decodes the four named entities and numeric ones', () => {
    const parsed = parseTelegramHtml('&lt;tag&gt; &amp; &quot;q&quot; &#128512; &#x41;');
    expect(parsed).toEqual({ ok: true, text: '<tag> & "q" 😀 A', entities: [] });
  });

  it('reads <pre><code class="language-x"> as one pre entity with a language, and a link with its decoded URL', () => {
    expect(parseTelegramHtml('<pre><code class="language-python">x = 1</code></pre>')).toEqual({
      ok: true,
      text: 'x = 1',
      entities: [{ type: 'pre', offset: 0, length: 5, language: 'python' }],
    });
    expect(parseTelegramHtml('<a href="https://e.com/?a=1&amp;b=2">here</a>')).toEqual({
      ok: true,
      text: 'here',
      entities: [{ type: 'text_link', offset: 0, length: 4, url: 'https://e.com/?a=1&b=2' }],
    });
  });

  it('refuses what Telegram refuses, with its description and the byte offset', () => {
    expect(parseTelegramHtml('a < b')).toEqual(refused('Unclosed start tag at byte offset 2'));
    expect(parseTelegramHtml('<b>x')).toEqual(refused('Can\'t find end tag corresponding to start tag "b"'));
    expect(parseTelegramHtml('<b>x</i>')).toEqual(refused('Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'));
    expect(parseTelegramHtml('x</b>')).toEqual(refused('Unexpected end tag at byte offset 1'));
    expect(parseTelegramHtml('<foo>x</foo>')).toEqual(refused('Unsupported start tag "foo" at byte offset 0'));
    expect(parseTelegramHtml('<code><b>x</b></code>')).toEqual(refused('Can\'t use tag "b" inside "code" at byte offset 6'));
  });

  it('counts offsets in UTF-8 bytes, as Telegram reports them', () => {
    // "é" is two bytes.
    expect(parseTelegramHtml('é<x>')).toEqual(refused('Unsupported start tag "x" at byte offset 2'));
  });

  it('refuses a bare & or >, which the documentation says must be escaped', () => {
    expect(parseTelegramHtml('AT&T')).toEqual(refused("Character '&' at byte offset 2 is not a part of an HTML entity; write it as &amp;"));
    expect(parseTelegramHtml('a > b')).toEqual(refused("Character '>' at byte offset 2 is not a part of a tag; write it as &gt;"));
  });
});
