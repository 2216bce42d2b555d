// `lunar/vitest`: agent checks beside unit tests. Importing this module registers the matchers
// with vitest's expect:
//
//   import { runCase } from 'lunar/vitest';
//   it('reads the port from the settings file', async () => {
//     await expect(runCase(myCase, 'openai:gpt-4o-mini')).toPass('tool_args_match');
//     await expect(runCase('rag-refund-window', 'ollama:qwen2.5:7b', { suite: 'suites/rag.yaml' })).toScoreAtLeast('faithfulness', 0.8);
//   });
//
// package.json exports this TypeScript file itself: vitest transforms TypeScript wherever it is
// (node_modules included), so it always runs the sources it sits beside, with no build step.

import { expect } from 'vitest';
import { lunarMatchers } from './matchers.ts';
import type { ScorerSpec } from './case-setup.ts';

expect.extend(lunarMatchers);

export { runCase, type CaseResult, type RunCaseOptions } from './run-case.ts';
export { closeSessions } from './session.ts';
export { DEFAULT_CASE_SCORERS, type ScorerSpec } from './case-setup.ts';
export { lunarMatchers, toPass, toScoreAtLeast } from './matchers.ts';

interface LunarMatchers<R = unknown> {
  /** The named scorer passed; without one, the run passed every check that scored it. Await it. */
  toPass(scorer?: ScorerSpec): Promise<R>;
  /** The named scorer's value is at least `min` (0..1). Await it. */
  toScoreAtLeast(scorer: ScorerSpec, min: number): Promise<R>;
}

declare module 'vitest' {
  interface Matchers<T = any> extends LunarMatchers<T> {}
}
