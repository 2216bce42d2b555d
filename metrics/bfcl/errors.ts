// When BFCL's checker gives no verdict at all: it would crash (a KeyError, a ValueError, a
// NotImplementedError) instead of judging. Lunar throws instead of inventing a verdict.

/** The entry's data is inconsistent (an expected call names a function the entry does not offer, a type BFCL's table lacks): BFCL would crash. */
export class BfclDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BfclDataError';
  }
}

/**
 * BFCL's checker would crash on this model output, so it has no verdict for it. The one known
 * case: a JavaScript `Bigint` argument such as "12n\n", which passes BFCL's `^-?\d+n$` (Python's
 * `$` also matches before a final newline) and then fails `int("12n")`.
 */
export class BfclCrashError extends BfclDataError {
  constructor(message: string) {
    super(message);
    this.name = 'BfclCrashError';
  }
}
