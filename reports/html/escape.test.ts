import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from './escape.ts';

describe('escapeHtml', () => {
  it('turns every markup character into an entity', () => {
    expect(escapeHtml(`"><svg onload='x'>&`)).toBe('&quot;&gt;&lt;svg onload=&#39;x&#39;&gt;&amp;');
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('jsonForScript', () => {
  it('leaves no < or > in the block, and JSON.parse reads back the same strings', () => {
    const value = { answer: '</script><script>window.__xss=1</script><!-- \u2028 & -->' };
    const text = jsonForScript(JSON.stringify(value));
    expect(text).not.toMatch(/[<>]/);
    expect(text).toBe('{"answer":"\\u003c/script\\u003e\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e\\u003c!-- \\u2028 \\u0026 --\\u003e"}');
    expect(JSON.parse(text)).toEqual(value);
  });
});
