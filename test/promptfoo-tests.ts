// The tests that run promptfoo itself install it first (about 1.3 GB, minutes, into
// .lunar/peers/): CI runs them always; elsewhere they run when LUNAR_TEST_PROMPTFOO=1 asks,
// so a first `npm test` does not download promptfoo unasked. One line says when they skip.

import { inCi, sayOnce } from './skip-notice.ts';

export function promptfooTestsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (inCi(env) || env.LUNAR_TEST_PROMPTFOO === '1') return true;
  sayOnce('skipped: the promptfoo round trip, which installs promptfoo (about 1.3 GB) on first use (LUNAR_TEST_PROMPTFOO=1 npm test runs it)');
  return false;
}
