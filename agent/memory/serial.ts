// One thing at a time: a session's appends and a memory root's writes and re-indexing run in the
// order asked, never interleaved, even when a channel fires two turns at once or the model asks
// for two memory tools in one step. A failed task does not block the ones after it.

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => work());
    this.tail = result.catch(() => undefined);
    return result;
  }
}
