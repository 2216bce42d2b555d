import { describe, expect, it } from 'vitest';
import { progress } from './progress.ts';

/** A stand-in for stderr when it is not a terminal: collects what is written. */
function pipe(): NodeJS.WriteStream & { text: string } {
  const sink = { isTTY: false, text: '', write(chunk: string) {
    sink.text += chunk;
    return true;
  } };
  return sink as unknown as NodeJS.WriteStream & { text: string };
}

describe('progress off a terminal', () => {
  it('prints plain lines at the interval and one closing line, never the same state twice', async () => {
    const out = pipe();
    const p = progress(3, out, 20);
    p.tick('ok', 0.001);
    await new Promise((r) => setTimeout(r, 30));
    p.tick('error', 0);
    p.tick('ok', 0);
    p.done();
    const lines = out.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2\/3 attempts, 1 errors, \$0\.0010, /);
    expect(lines[1]).toMatch(/^3\/3 attempts, 1 errors, \$0\.0010, /);
  });

  it('does not repeat a final line the interval already printed', async () => {
    const out = pipe();
    const p = progress(1, out, 0, { unit: 'documents', cost: false });
    p.update(1);
    p.done();
    expect(out.text.trim().split('\n')).toEqual([expect.stringMatching(/^1\/1 documents, \d+\.\ds elapsed, ETA 0s$/)]);
  });
});
