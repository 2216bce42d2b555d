// The tool loop against a server that hangs or fails, through the real openai SDK on a loopback
// fake: a call that times out is retried while the run's time budget lasts, and a run the
// infrastructure cut short ends as an error naming the failure — never as the model's max_time.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { runAgent, type RunOptions } from './loop.ts';
import { openaiProvider } from './providers/openai.ts';
import type { ProviderOptions } from './providers/types.ts';
import { builtinRegistry } from './tools/builtin.ts';

const workspace = mkdtempSync(join(tmpdir(), 'lunar-loop-faults-'));
let fake: OpenAiFake;
beforeEach(async () => {
  fake = await new OpenAiFake().start();
});
afterEach(() => fake.close());

function run(options: Partial<RunOptions> & { provider?: ProviderOptions } = {}) {
  const { provider, ...rest } = options;
  const model = openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: 'sk-test', backoffBaseMs: 10, env: {}, ...provider });
  return runAgent({ model, tools: builtinRegistry(), messages: [{ role: 'user', content: 'hi' }], workspaceRoot: workspace, ...rest });
}

describe('runAgent when the server hangs', () => {
  it('retries a call that times out while the budget lasts, then ends as an error naming the timeout, not max_time', async () => {
    fake.fault({ kind: 'hang' }, 20);
    const trace = await run({ callTimeoutMs: 150, budget: { maxTimeMs: 700 } });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toMatch(/^openai: no answer within 150 ms \(\d+ tries; the time budget of 700 ms ran out before one succeeded\)$/);
    expect(fake.requests.length).toBeGreaterThanOrEqual(2);
    expect(trace.finalAnswer).toBeNull();
    expect(trace.modelCalls).toHaveLength(1);
    expect(trace.modelCalls[0]!.error).toBe(trace.error);
    // The try the budget cut may not have reached the server yet.
    expect(trace.modelCalls[0]!.attempts).toBeGreaterThanOrEqual(fake.requests.length);
  });

  it('answers once a retry gets through within the budget', async () => {
    fake.fault({ kind: 'hang' }, 2).say({ text: 'here now' });
    const trace = await run({ callTimeoutMs: 150, budget: { maxTimeMs: 5_000 } });
    expect(trace).toMatchObject({ stopReason: 'final', finalAnswer: 'here now' });
    expect(trace.modelCalls[0]).toMatchObject({ attempts: 3 });
  });

  it('ends as an error when the provider gives up within the budget', async () => {
    fake.fault({ kind: 'hang' }, 2);
    const trace = await run({ callTimeoutMs: 100, budget: { maxTimeMs: 5_000 }, provider: { retries: 1 } });
    expect(trace).toMatchObject({ stopReason: 'error', error: 'openai: no answer within 100 ms' });
    expect(trace.modelCalls[0]).toMatchObject({ attempts: 2 });
  });

  it('ends as an error when a malformed reply keeps coming until the budget is spent', async () => {
    fake.misreply('no_choices', 1_000);
    const trace = await run({ budget: { maxTimeMs: 400 }, provider: { retries: 1_000, backoffBaseMs: 50, backoffMaxMs: 50 } });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toMatch(/answered with no choices \(\d+ tries; the time budget of 400 ms ran out/);
  });

  it('is max_time when the budget cuts a call on its first try: no timeout was seen, the model had the whole budget', async () => {
    fake.fault({ kind: 'hang' });
    const trace = await run({ callTimeoutMs: 10_000, budget: { maxTimeMs: 300 } });
    expect(trace.stopReason).toBe('max_time');
    expect(fake.requests).toHaveLength(1);
  });
});
