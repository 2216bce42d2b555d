// One job at a time per key, any number of keys at once: each chat's messages are answered in
// the order they came, while other chats are not held up behind a slow model.

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `job` after every job queued earlier under `key` has settled; its result or error is the caller's. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(job, job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Jobs queued or running. */
  get busy(): boolean {
    return this.tails.size > 0;
  }

  /** Resolves once no job is queued or running, jobs queued meanwhile included. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
