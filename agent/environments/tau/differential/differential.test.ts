// Replays cases made by generate.py (τ-bench's own Python tools run on mutated actions) with the
// port: every observation string-equal, every final database hashing the same. Needs a cases file,
// so it runs only when TAU_DIFFERENTIAL_CASES names one (see generate.py).

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consistentHash } from '../../python/hash.ts';
import { parsePyJson, pyJsonDumps } from '../../python/json.ts';
import type { PyDict } from '../../python/value.ts';
import { freshState, loadTauDomain } from '../load.ts';
import { invokeAction } from '../step.ts';
import { TAU_DATA_DIR } from '../test-data.ts';
import type { TauDomainName } from '../tool.ts';

const file = process.env.TAU_DIFFERENTIAL_CASES;
const runnable = !!file && existsSync(file) && existsSync(TAU_DATA_DIR);
if (!runnable) console.log('skipping the differential cases: set TAU_DIFFERENTIAL_CASES to a file made by generate.py');

describe.skipIf(!runnable)('the port against τ-bench on mutated actions', () => {
  const cases = runnable ? readFileSync(file!, 'utf8').trim().split('\n') : [];

  it.each(cases.map((line, i) => [i + 1, line] as const))('case on line %i', (_, line) => {
    const c = parsePyJson(line) as PyDict;
    const data = loadTauDomain(c.get('domain') as TauDomainName, TAU_DATA_DIR);
    const state = freshState(data);
    const observations = c.get('observations') as (string | null)[];
    (c.get('actions') as PyDict[]).forEach((a, i) => {
      const action = { name: a.get('name') as string, kwargs: a.get('kwargs') as PyDict };
      expect(invokeAction(data, state, action), `${action.name}(${pyJsonDumps(action.kwargs)})`).toBe(observations[i]);
    });
    expect(consistentHash(state, data.hashCache)).toBe(c.get('hash'));
  });
});
