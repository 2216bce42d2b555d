// junit.xml: one <testcase> per case × target (× configuration and × repeat where the run has
// more than one, in the name), grouped in a <testsuite> per suite, for CI test panels. A failed
// attempt is a <failure> carrying the failing scorers' reasons (a scorer that broke counts as a
// failure, as in the pass rate); an attempt that never answered is an <error>; one that nothing
// could check (every score skipped, or none applied) is <skipped>.

import type { StoredAttempt } from '../runners/store.ts';
import { reportOutcome } from './report-input.ts';
import { type RunReportInput } from '../runners/reporter.ts';

/** Failure bodies quote at most this much of an answer or a reason (10,000 long failures stay ~10 MB). */
const QUOTE_CHARS = 500;

export function renderJunit(input: Pick<RunReportInput, 'run' | 'attempts'>): string {
  const suites = new Map<string, StoredAttempt[]>();
  for (const a of input.attempts) {
    const list = suites.get(a.suite);
    if (list) list.push(a);
    else suites.set(a.suite, [a]);
  }
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
  const blocks = [...suites.entries()].map(([suite, attempts]) => {
    const naming = { config: attempts.some((a) => a.config !== 'default'), repeat: attempts.some((a) => a.repeat > 0) };
    const counts = { tests: attempts.length, failures: 0, errors: 0, skipped: 0, time: 0 };
    const classname = attr(suite);
    let cases = '';
    for (const a of attempts) {
      const outcome = reportOutcome(a);
      if (outcome === 'failed') counts.failures += 1;
      if (outcome === 'errored') counts.errors += 1;
      if (outcome === 'unscored') counts.skipped += 1;
      counts.time += a.latencyMs / 1000;
      cases += testcase(a, outcome, naming, classname);
    }
    for (const k of ['tests', 'failures', 'errors', 'skipped', 'time'] as const) totals[k] += counts[k];
    return `  <testsuite name="${attr(suite)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(counts.time)}">\n${cases}  </testsuite>\n`;
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="${attr(`lunar run ${input.run.id}`)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(totals.time)}">\n` +
    blocks.join('') +
    '</testsuites>\n'
  );
}

/** "c1 [baseline]", "c1 [baseline, config concise, repeat 2]": what tells the testcases of a suite apart. */
export function testcaseName(a: Pick<StoredAttempt, 'caseId' | 'target' | 'config' | 'repeat'>, naming: { config: boolean; repeat: boolean }): string {
  return `${a.caseId} [${a.target}${naming.config ? `, config ${a.config}` : ''}${naming.repeat ? `, repeat ${a.repeat}` : ''}]`;
}

function testcase(a: StoredAttempt, outcome: ReturnType<typeof reportOutcome>, naming: { config: boolean; repeat: boolean }, classname: string): string {
  const open = `    <testcase name="${attr(testcaseName(a, naming))}" classname="${classname}" time="${seconds(a.latencyMs / 1000)}"`;
  if (outcome === 'passed') return `${open}/>\n`;
  let child: string;
  if (outcome === 'errored') {
    const message = a.error ?? a.stopReason;
    child = `<error message="${attr(quote(message))}" type="${attr(a.stopReason)}">${text(quote(message))}</error>`;
  } else if (outcome === 'unscored') {
    const reasons = a.scores.map((s) => `${s.scorer}: ${s.reason}`);
    child = `<skipped message="${attr(quote(reasons.length ? `every check skipped: ${reasons.join('; ')}` : 'no scorer had anything to check'))}"/>`;
  } else {
    const failing = a.scores.filter((s) => s.status === 'error' || (s.status === 'scored' && s.pass === false));
    const lines = failing.map((s) => `${s.scorer} ${s.status === 'error' ? 'errored' : `scored ${s.value!.toFixed(3)}`}: ${s.reason}`);
    const answer = a.finalAnswer === null ? '' : `\nanswer: ${quote(a.finalAnswer)}`;
    child = `<failure message="${attr(quote(lines.join('; ')))}" type="${attr(failing.map((s) => s.scorer).join(','))}">${text(quote(lines.join('\n')) + answer)}</failure>`;
  }
  return `${open}>\n      ${child}\n    </testcase>\n`;
}

function quote(s: string): string {
  return s.length <= QUOTE_CHARS ? s : `${s.slice(0, QUOTE_CHARS)}… (+${s.length - QUOTE_CHARS} characters in results.json)`;
}

function seconds(s: number): string {
  return s.toFixed(3);
}

/**
 * Characters XML 1.0 forbids anywhere (C0 controls but tab, LF and CR; lone surrogates; U+FFFE
 * and U+FFFF): a control character in a model's answer must not make the file unreadable.
 */
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', "'": '&apos;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;' };
/** Most names and reasons are plain printable ASCII: they are returned as they are. */
const PLAIN = /^[\x20\x21\x23-\x25\x28-\x3b\x3d\x3f-\x7e]*$/;

export function xmlText(s: string): string {
  if (PLAIN.test(s)) return s;
  return s.replace(FORBIDDEN, '').replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]!);
}

/** An attribute value: as text, with quotes escaped and line breaks kept as character references. */
export function xmlAttr(s: string): string {
  if (PLAIN.test(s)) return s;
  return s.replace(FORBIDDEN, '').replace(/[&<>"'\n\r\t]/g, (c) => ATTR_ESCAPES[c]!);
}

const text = xmlText;
const attr = xmlAttr;
