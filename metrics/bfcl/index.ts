// The Berkeley Function Calling Leaderboard's AST checker, ported so Lunar reaches BFCL's verdict
// and error type on every output (shared/data/bfcl/checker_verdicts_dev.jsonl), plus the bridge
// from BFCL entries to Lunar tool specs and from Lunar traces to decoded calls. Every BFCL v4
// single-turn category is judged as BFCL dispatches it (datasets/bfcl/categories.ts), with Java's and
// JavaScript's type conversion for simple_java and simple_javascript (java-types.ts,
// javascript-types.ts).

export { checkBfcl, checkIrrelevance, checkMultiple, checkParallel, checkRelevance, checkSimple, type BfclEntry } from './match-calls.ts';
export { BfclCrashError, BfclDataError } from './errors.ts';
export { checkCall, expectedName } from './match-call.ts';
export { javaTypeConverter } from './java-types.ts';
export { jsTypeConverter } from './javascript-types.ts';
export { standardizeString } from './values.ts';
export { bfclToolSpecs, type ToolSpecOptions } from './tool-specs.ts';
export { bfclCallsFromToolCalls } from './trace-calls.ts';
// BFCL's data formats (questions, possible answers, outputs, categories) are in datasets/bfcl/.
