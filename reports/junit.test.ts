import { describe, expect, it } from 'vitest';
import type { Score } from '../metrics/score.ts';
import type { StoredAttempt } from '../runners/store.ts';
import { renderJunit, testcaseName, xmlAttr, xmlText } from './junit.ts';

function attempt(fields: Partial<StoredAttempt> & Pick<StoredAttempt, 'caseId' | 'scores'>): StoredAttempt {
  return { runId: 'r', suite: 'tools', config: 'default', category: 'k', target: 'baseline', repeat: 0, status: 'ok', stopReason: 'final', finalAnswer: 'done', latencyMs: 120, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0, estimatedUsage: 0, ...fields };
}
const pass = (scorer: string): Score => ({ scorer, value: 1, pass: true, status: 'scored', reason: 'ok' });

/**
 * A small run, one of each kind:
 *   tools c1  passed                            0.120 s
 *   tools c2  failed: answer_contains 0 with a reason holding markup, an answer holding a control character
 *   tools c3  errored (no API key)              0.0002 s
 *   tools c4  unscored (the judge skipped)
 *   rag   c1  config concise, repeats 0 and 1: both passed, so the names say config and repeat
 */
const attempts: StoredAttempt[] = [
  attempt({ caseId: 'c1', scores: [pass('answer_contains')] }),
  attempt({ caseId: 'c2', latencyMs: 250, finalAnswer: 'no & <b>\u0001', scores: [{ scorer: 'answer_contains', value: 0, pass: false, status: 'scored', reason: 'expected "done" in <answer>' }] }),
  attempt({ caseId: 'c3', status: 'error', error: 'OPENAI_API_KEY is not set', stopReason: 'error', finalAnswer: null, latencyMs: 0.2, scores: [] }),
  attempt({ caseId: 'c4', latencyMs: 80, scores: [{ scorer: 'rubric', value: null, pass: null, status: 'skipped', reason: 'no judge model' }] }),
  attempt({ suite: 'rag', config: 'concise', caseId: 'c1', latencyMs: 1000, scores: [pass('recall')] }),
  attempt({ suite: 'rag', config: 'concise', caseId: 'c1', repeat: 1, latencyMs: 1500, scores: [pass('recall')] }),
];

const EXPECTED = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lunar run r1" tests="6" failures="1" errors="1" skipped="1" time="2.950">
  <testsuite name="tools" tests="4" failures="1" errors="1" skipped="1" time="0.450">
    <testcase name="c1 [baseline]" classname="tools" time="0.120"/>
    <testcase name="c2 [baseline]" classname="tools" time="0.250">
      <failure message="answer_contains scored 0.000: expected &quot;done&quot; in &lt;answer&gt;" type="answer_contains">answer_contains scored 0.000: expected "done" in &lt;answer&gt;
answer: no &amp; &lt;b&gt;</failure>
    </testcase>
    <testcase name="c3 [baseline]" classname="tools" time="0.000">
      <error message="OPENAI_API_KEY is not set" type="error">OPENAI_API_KEY is not set</error>
    </testcase>
    <testcase name="c4 [baseline]" classname="tools" time="0.080">
      <skipped message="every check skipped: rubric: no judge model"/>
    </testcase>
  </testsuite>
  <testsuite name="rag" tests="2" failures="0" errors="0" skipped="0" time="2.500">
    <testcase name="c1 [baseline, config concise, repeat 0]" classname="rag" time="1.000"/>
    <testcase name="c1 [baseline, config concise, repeat 1]" classname="rag" time="1.500"/>
  </testsuite>
</testsuites>
`;

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/**
 * A strict reader for the XML subset junit.xml uses: a declaration, elements, quoted attributes,
 * text with the five predefined entities and numeric references. Throws on anything else (an
 * unescaped < or &, an unclosed or mismatched tag, a character XML 1.0 forbids).
 */
function parseXml(xml: string): XmlElement {
  if (/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) throw new Error('a character XML 1.0 forbids');
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(s)) throw new Error(`a bare & in ${JSON.stringify(s)}`);
    return s.replace(/&(amp|lt|gt|quot|apos|#(\d+));/g, (_, name: string, code?: string) => (code ? String.fromCodePoint(Number(code)) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name]!));
  };
  let at = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml)![0].length;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>/y;
  while (at < xml.length) {
    const next = xml.indexOf('<', at);
    const text = xml.slice(at, next === -1 ? xml.length : next);
    if (text.includes('>') && text.trim() !== '') throw new Error(`a bare > in text ${JSON.stringify(text)}`);
    stack.at(-1)!.text += decode(text);
    if (next === -1) break;
    tag.lastIndex = next;
    const m = tag.exec(xml);
    if (!m) throw new Error(`not a tag at ${next}: ${xml.slice(next, next + 40)}`);
    at = tag.lastIndex;
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      if (stack.pop()!.name !== name) throw new Error(`mismatched </${name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]!] = decode(a[2]!);
    const element: XmlElement = { name: name!, attrs, children: [], text: '' };
    stack.at(-1)!.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('unclosed elements or more than one root');
  return root.children[0]!;
}

describe('the test reader', () => {
  it('refuses what is not well-formed, so a pass above means something', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(`${head}<a>x < y</a>`)).toThrow();
    expect(() => parseXml(`${head}<a>x & y</a>`)).toThrow(/bare &/);
    expect(() => parseXml(`${head}<a><b></a>`)).toThrow(/mismatched/);
    expect(() => parseXml(`${head}<a b="1"/>\u0001`)).toThrow(/forbids/);
    expect(parseXml(`${head}<a b="&lt;&#10;"/>`).attrs.b).toBe('<\n');
  });
});

describe('renderJunit', () => {
  it('writes the hand-worked file for a small run', () => {
    expect(renderJunit({ run: { id: 'r1', startedAt: '', finishedAt: null, status: 'completed', config: {} }, attempts })).toBe(EXPECTED);
  });

  it('parses back: a testcase per attempt with the counts, reasons and names it was given', () => {
    const root = parseXml(renderJunit({ run: { id: 'r1', startedAt: '', finishedAt: null, status: 'completed', config: {} }, attempts }));
    expect(root.name).toBe('testsuites');
    const cases = root.children.flatMap((s) => s.children);
    expect(cases.map((c) => [c.attrs.classname, c.attrs.name, c.children.map((x) => x.name).join()])).toEqual([
      ['tools', 'c1 [baseline]', ''],
      ['tools', 'c2 [baseline]', 'failure'],
      ['tools', 'c3 [baseline]', 'error'],
      ['tools', 'c4 [baseline]', 'skipped'],
      ['rag', 'c1 [baseline, config concise, repeat 0]', ''],
      ['rag', 'c1 [baseline, config concise, repeat 1]', ''],
    ]);
    expect(cases[1]!.children[0]!.attrs.message).toBe('answer_contains scored 0.000: expected "done" in <answer>');
    expect(cases[1]!.children[0]!.text).toBe('answer_contains scored 0.000: expected "done" in <answer>\nanswer: no & <b>');
  });

  it('stays valid XML whatever a model writes: markup, quotes, line breaks, control characters, lone surrogates', () => {
    const nasty = `</testcase><x a="1">]]> & ' "\n\u0000\u0008\u001f\uFFFE\uD800 ok 😀`;
    const run = { id: `r"<&`, startedAt: '', finishedAt: null, status: 'completed', config: {} };
    const root = parseXml(renderJunit({ run, attempts: [attempt({ caseId: nasty, target: nasty, error: nasty, status: 'error', scores: [] }), attempt({ caseId: 'c', finalAnswer: nasty, scores: [{ scorer: 's', value: 0, pass: false, status: 'scored', reason: nasty }] })] }));
    const clean = `</testcase><x a="1">]]> & ' "\n ok 😀`;
    expect(root.attrs.name).toBe('lunar run r"<&');
    const [errored, failed] = root.children[0]!.children;
    expect(errored!.attrs.name).toBe(`${clean} [${clean}]`);
    expect(errored!.children[0]!.attrs.message).toBe(clean);
    expect(failed!.children[0]!.text).toBe(`s scored 0.000: ${clean}\nanswer: ${clean}`);
  });

  it('reports a scorer that broke as a failure, as the pass rate counts it', () => {
    const broke = attempt({ caseId: 'c', scores: [pass('a'), { scorer: 'judge', value: null, pass: null, status: 'error', reason: 'reply never fit the schema' }] });
    const root = parseXml(renderJunit({ run: { id: 'r', startedAt: '', finishedAt: null, status: 'completed', config: {} }, attempts: [broke] }));
    expect(root.attrs.failures).toBe('1');
    expect(root.children[0]!.children[0]!.children[0]!.attrs.message).toBe('judge errored: reply never fit the schema');
  });
});

describe('testcaseName and escaping', () => {
  it('names config and repeat only when asked', () => {
    const a = { caseId: 'c9', target: 't', config: 'short', repeat: 2 };
    expect(testcaseName(a, { config: false, repeat: false })).toBe('c9 [t]');
    expect(testcaseName(a, { config: true, repeat: true })).toBe('c9 [t, config short, repeat 2]');
  });

  it('escapes text and attributes, keeping line breaks in attributes as references', () => {
    expect(xmlText('a<b>&c"\'')).toBe('a&lt;b&gt;&amp;c"\'');
    expect(xmlAttr('a"b\'\n\t<')).toBe('a&quot;b&apos;&#10;&#9;&lt;');
    expect(xmlAttr('plain text: 1.5 (ok)')).toBe('plain text: 1.5 (ok)');
  });
});
