// Python exceptions the ported tools raise. τ-bench's Env.step turns any exception into the
// observation f"Error: {e}", so what matters is str(e): the message, or for KeyError the repr of the key.

export class PyException extends Error {
  /** The Python exception class, e.g. `KeyError`. */
  readonly pyType: string;
  constructor(pyType: string, message: string) {
    super(message);
    this.name = pyType;
    this.pyType = pyType;
  }
}

export const typeError = (message: string) => new PyException('TypeError', message);
export const valueError = (message: string) => new PyException('ValueError', message);
export const zeroDivisionError = (message: string) => new PyException('ZeroDivisionError', message);
export const overflowError = (message: string) => new PyException('OverflowError', message);
/** str(KeyError(k)) is repr(k): the caller passes the repr. */
export const keyError = (keyRepr: string) => new PyException('KeyError', keyRepr);
export const indexError = (message: string) => new PyException('IndexError', message);
export const syntaxError = (message: string, line = 1) => new PyException('SyntaxError', `${message} (<string>, line ${line})`);

/** The text after "Error: " in τ-bench's observation for an exception a tool raised. */
export function exceptionText(error: unknown): string {
  if (error instanceof PyException) return error.message;
  // A JS error here is a bug in the port, not a Python behaviour: keep it visible.
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
