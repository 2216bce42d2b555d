// The BFCL suite end to end: BFCL's files read where they are kept (the reference data set bfcl:
// its upstream files are enough), each entry's functions offered as declared tools, the agent's
// first reply judged by BFCL's rules.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBench } from '../runners/bench.ts';
import { loadSuite } from '../runners/suite.ts';
import { referenceData, upstreamFiles } from './reference-data.ts';

const suite = loadSuite(resolve(import.meta.dirname, '../suites/bfcl.yaml'));
const home = () => mkdtempSync(join(tmpdir(), 'lunar-bfcl-e2e-'));
const BFCL = referenceData('bfcl', upstreamFiles('bfcl'));

describe.skipIf(!BFCL.present)('the BFCL suite', () => {
  it('offers the entry\'s function (dots as underscores) and passes the call BFCL expects; a wrong value fails with its error type', async () => {
    const dir = home();
    // simple_python_0: calculate_triangle_area(base=10, height=5); multiple_0: triangle_properties.get(5, 4, 3).
    const right = join(dir, 'right.jsonl');
    writeFileSync(right, JSON.stringify({ tool_calls: [{ name: 'calculate_triangle_area', arguments: { base: 10, height: 5 } }] }));
    const ran = await runBench({ suites: [suite], targets: [`scripted:${right}`], fallbackTargets: [], home: join(dir, 'h'), progressStream: null, filter: ['simple_python_0'] });
    expect(ran.attempts.map((a) => [a.caseId, a.scores[0]?.pass])).toEqual([['simple_python_0', true]]);

    const dotted = join(dir, 'dotted.jsonl');
    writeFileSync(dotted, JSON.stringify({ tool_calls: [{ name: 'triangle_properties_get', arguments: { side1: 5, side2: 4, side3: 4 } }] }));
    const wrong = await runBench({ suites: [suite], targets: [`scripted:${dotted}`], fallbackTargets: [], home: join(dir, 'h'), progressStream: null, filter: ['multiple_0'] });
    expect(wrong.attempts[0]!.scores[0]).toMatchObject({ pass: false, details: { error_type: 'value_error:others' } });
  });

  it('runs all 1,040 entries offline on the baseline: it declines to call in 236 of 240 irrelevance entries and calls too rarely elsewhere', async () => {
    const ran = await runBench({ suites: [suite], targets: ['baseline'], fallbackTargets: [], home: home(), progressStream: null });
    const passed = (category: string) => ran.attempts.filter((a) => a.category === category && a.scores[0]?.pass).length;
    expect(ran.attempts).toHaveLength(1040);
    expect([passed('bfcl_simple_python'), passed('bfcl_multiple'), passed('bfcl_parallel'), passed('bfcl_irrelevance')]).toEqual([0, 0, 0, 236]);
    expect(ran.lock.datasets).toHaveLength(7);
  });
});
