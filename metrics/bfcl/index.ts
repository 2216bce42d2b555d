// The Berkeley Function Calling Leaderboard's AST checker, ported so Lunar reaches BFCL's verdict
// and error type on every output (shared/data/bfcl/checker_verdicts_dev.jsonl), plus the bridge
// from BFCL entries to Lunar tool specs and from Lunar traces to decoded calls.

export { checkBfcl, checkIrrelevance, checkMultiple, checkParallel, checkSimple, BfclDataError, type BfclEntry } from './match-calls.ts';
export { checkCall, expectedName } from './match-call.ts';
export { standardizeString } from './values.ts';
export { bfclToolSpecs } from './tool-specs.ts';
export { bfclCallsFromToolCalls } from './trace-calls.ts';
