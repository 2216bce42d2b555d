import { describe, expect, it } from 'vitest';
import { escapeHtml, toTelegramHtml } from './format.ts';
import { parseTelegramHtml } from './simulator/html.ts';

describe('toTelegramHtml', () => {
  it('escapes &, < and > everywhere outside the tags it writes', () => {
    expect(escapeHtml('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(toTelegramHtml('if x < 3 && y > 2 then <b>')).toBe('if x &lt; 3 &amp;&amp; y &gt; 2 then &lt;b&gt;');
  });

  it('turns **bold** into <b> but leaves ** with a space inside, or unpaired, as written', () => {
    expect(toTelegramHtml('**Total:** 42')).toBe('<b>Total:</b> 42');
    expect(toTelegramHtml('2 ** 3 = 8')).toBe('2 ** 3 = 8');
    expect(toTelegramHtml('a**b')).toBe('a**b');
  });

  it('keeps inline code apart: escaped, and no other rule applied inside it', () => {
    expect(toTelegramHtml('run `x < 1` now')).toBe('run <code>x &lt; 1</code> now');
    expect(toTelegramHtml('`**not bold**`')).toBe('<code>**not bold**</code>');
  });

  it('writes a fenced block as <pre><code class="language-…"> and an unclosed one as code to the end', () => {
    expect(toTelegramHtml('Here:\n```ts\nconst a = 1 < 2;\n```\nDone.')).toBe('Here:\n<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>\nDone.');
    expect(toTelegramHtml('```\nopen code')).toBe('<pre>open code</pre>');
  });

  it('makes a heading a bold line and a Markdown link an <a href> with the URL escaped', () => {
    expect(toTelegramHtml('## **Results**\nok')).toBe('<b>Results</b>\nok');
    expect(toTelegramHtml('[docs](https://example.com/a?b=1&c=2)')).toBe('<a href="https://example.com/a?b=1&amp;c=2">docs</a>');
  });

  it('writes HTML that Telegram reads back as the text a person should see', () => {
    const parsed = parseTelegramHtml(toTelegramHtml('**Port:** `8080` & <ok>'));
    expect(parsed).toEqual({
      ok: true,
      text: 'Port: 8080 & <ok>',
      entities: [
        { type: 'bold', offset: 0, length: 5 },
        { type: 'code', offset: 6, length: 4 },
      ],
    });
  });
});
