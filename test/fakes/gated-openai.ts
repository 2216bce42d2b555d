// An OpenAI-compatible server that holds every reply ("done") until released, so attempts stay
// in flight while a test stops, aborts or kills a run.

import { DONE_COMPLETION } from './slow-openai.ts';
import { HttpFake, sendJson } from './http-fake.ts';

export class GatedOpenAi extends HttpFake {
  private readonly held: (() => void)[] = [];
  private released = false;

  constructor() {
    super();
    this.route('POST', /^\/v1\/chat\/completions$/, (_req, res) =>
      new Promise<void>((resolve) => {
        const reply = () => {
          sendJson(res, DONE_COMPLETION);
          resolve();
        };
        if (this.released) reply();
        else this.held.push(reply);
      }),
    );
  }

  release(): void {
    this.released = true;
    for (const reply of this.held.splice(0)) reply();
  }

  async waitForRequests(n: number): Promise<void> {
    for (let waited = 0; this.requests.length < n; waited += 5) {
      if (waited > 5_000) throw new Error(`only ${this.requests.length} of ${n} requests arrived`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
