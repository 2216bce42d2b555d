import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenAiFake } from '../test/fakes/openai-server.ts';
import { runAgent } from './loop.ts';
import { openaiProvider } from './providers/openai.ts';
import { ScriptedModel } from './providers/scripted.ts';
import type { ChatModel, ChatResult } from './providers/types.ts';
import { builtinRegistry } from './tools/builtin.ts';
import { defineTool, ToolRegistry } from './tools/tool.ts';

const workspace = mkdtempSync(join(tmpdir(), 'lunar-loop-'));
writeFileSync(join(workspace, 'a.txt'), 'alpha\n');
const user = (content: string) => [{ role: 'user' as const, content }];

/** A tool that waits, records when it started and ended, and honours the run's signal. */
function sleeper(log: string[]) {
  return defineTool({
    name: 'sleep',
    description: 'wait',
    schema: z.object({ ms: z.number(), label: z.string() }),
    run: ({ ms, label }, { signal }) =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${label}`);
        const timer = setTimeout(() => {
          log.push(`end ${label}`);
          resolve(label);
        }, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
      }),
  });
}

describe('runAgent', () => {
  it('runs a tool call, feeds the result back and stops on the final answer', async () => {
    const model = new ScriptedModel([{ tool_calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }, { text: 'It says alpha.' }]);
    const trace = await runAgent({ model, tools: builtinRegistry(), messages: user('read a.txt'), workspaceRoot: workspace });
    expect(trace.stopReason).toBe('final');
    expect(trace.finalAnswer).toBe('It says alpha.');
    expect(trace.toolCalls).toHaveLength(1);
    expect(trace.toolCalls[0]).toMatchObject({ name: 'read_file', result: 'alpha\n', step: 1 });
    expect(trace.modelCalls.map((c) => c.step)).toEqual([1, 2]);
    expect(trace.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
  });

  it('runs the calls of one step concurrently and returns results in call order', async () => {
    const log: string[] = [];
    const model = new ScriptedModel([
      { tool_calls: [{ name: 'sleep', arguments: { ms: 80, label: 'slow' } }, { name: 'sleep', arguments: { ms: 10, label: 'fast' } }] },
      { text: 'done' },
    ]);
    const trace = await runAgent({ model, tools: new ToolRegistry([sleeper(log)]), messages: user('go'), workspaceRoot: workspace });
    expect(log).toEqual(['start slow', 'start fast', 'end fast', 'end slow']);
    expect(trace.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['slow', 'fast']);
  });

  it('sends an unknown tool back to the model as a repairable error and goes on', async () => {
    const model = new ScriptedModel([
      { tool_calls: [{ name: 'read_fle', arguments: { path: 'a.txt' } }] },
      { tool_calls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] },
      { text: 'alpha' },
    ]);
    const trace = await runAgent({ model, tools: builtinRegistry(), messages: user('read'), workspaceRoot: workspace });
    expect(trace.toolCalls[0]).toMatchObject({ name: 'read_fle', errorKind: 'unknown_tool' });
    expect(trace.toolCalls[0]!.error).toContain('Available tools: read_file');
    const toolMessage = trace.messages[2];
    expect(toolMessage).toMatchObject({ role: 'tool', isError: true });
    expect(trace.toolCalls[1]).toMatchObject({ name: 'read_file', result: 'alpha\n' });
    expect(trace.stopReason).toBe('final');
  });

  it('sends arguments that fail validation back with the field at fault', async () => {
    const model = new ScriptedModel([
      { tool_calls: [{ name: 'calculator', arguments: { expr: '2+2' } }] },
      { tool_calls: [{ name: 'calculator', arguments: { expression: '2+2' } }] },
      { text: '4' },
    ]);
    const trace = await runAgent({ model, tools: builtinRegistry(), messages: user('2+2?'), workspaceRoot: workspace });
    expect(trace.toolCalls[0]!.errorKind).toBe('invalid_arguments');
    expect(trace.toolCalls[0]!.error).toMatch(/expression/);
    expect(trace.toolCalls[1]!.result).toBe('4');
  });

  it('turns a tool that throws into an error result without ending the run', async () => {
    const model = new ScriptedModel([{ tool_calls: [{ name: 'read_file', arguments: { path: '../escape' } }] }, { text: 'could not read it' }]);
    const trace = await runAgent({ model, tools: builtinRegistry(), messages: user('read'), workspaceRoot: workspace });
    expect(trace.toolCalls[0]!.errorKind).toBe('threw');
    expect(trace.toolCalls[0]!.error).toMatch(/outside the workspace/);
    expect(trace.finalAnswer).toBe('could not read it');
  });

  it('asks the approval hook and records a denial as an error the model sees', async () => {
    const asked: string[] = [];
    const model = new ScriptedModel([
      { tool_calls: [{ name: 'calculator', arguments: { expression: '1+1' } }, { name: 'read_file', arguments: { path: 'a.txt' } }] },
      { text: 'ok' },
    ]);
    const trace = await runAgent({
      model,
      tools: builtinRegistry(),
      messages: user('x'),
      workspaceRoot: workspace,
      approve: (call) => {
        asked.push(call.name);
        return call.name === 'calculator' ? true : { allow: false, reason: 'files are off limits' };
      },
    });
    expect(asked.sort()).toEqual(['calculator', 'read_file']);
    expect(trace.toolCalls[0]!.result).toBe('2');
    expect(trace.toolCalls[1]).toMatchObject({ errorKind: 'denied', error: 'call to read_file denied: files are off limits' });
  });

  it('stops at the step budget with no final answer', async () => {
    const loopForever = Array.from({ length: 10 }, () => ({ tool_calls: [{ name: 'calculator', arguments: { expression: '1' } }] }));
    const trace = await runAgent({ model: new ScriptedModel(loopForever), tools: builtinRegistry(), messages: user('x'), workspaceRoot: workspace, budget: { maxSteps: 3 } });
    expect(trace.stopReason).toBe('max_steps');
    expect(trace.modelCalls).toHaveLength(3);
    expect(trace.finalAnswer).toBeNull();
  });

  it('stops at the time budget, aborting a tool in flight', async () => {
    const log: string[] = [];
    const model = new ScriptedModel([{ tool_calls: [{ name: 'sleep', arguments: { ms: 5_000, label: 'long' } }] }, { text: 'never' }]);
    const started = performance.now();
    const trace = await runAgent({ model, tools: new ToolRegistry([sleeper(log)]), messages: user('x'), workspaceRoot: workspace, budget: { maxTimeMs: 100 } });
    expect(trace.stopReason).toBe('max_time');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(trace.toolCalls[0]!.error).toMatch(/aborted/);
  });

  it('ends with stopReason error and the message when the model fails', async () => {
    const trace = await runAgent({ model: new ScriptedModel([{ tool_calls: [{ name: 'calculator', arguments: { expression: '1' } }] }]), tools: builtinRegistry(), messages: user('x'), workspaceRoot: workspace });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toMatch(/script has 1 step/);
  });

  it('streams text deltas through onEvent', async () => {
    const deltas: string[] = [];
    const trace = await runAgent({
      model: new ScriptedModel([{ text: 'hello there' }]),
      tools: builtinRegistry(),
      messages: user('hi'),
      workspaceRoot: workspace,
      stream: true,
      onEvent: (e) => e.type === 'text' && deltas.push(e.delta),
    });
    expect(deltas.join('')).toBe('hello there');
    expect(trace.finalAnswer).toBe('hello there');
  });

  it('renames a tool call id that repeats one from an earlier step', async () => {
    const again = await runAgent({
      model: new ScriptedModel([
        { tool_calls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '1' } }] },
        { tool_calls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '2' } }] },
        { text: 'ok' },
      ]),
      tools: builtinRegistry(),
      messages: user('x'),
      workspaceRoot: workspace,
    });
    expect(again.toolCalls.map((c) => c.id)).toEqual(['call_1', 'call_2_1']);
    const toolMessages = again.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => (m as { toolCallId: string }).toolCallId)).toEqual(['call_1', 'call_2_1']);
  });

  it('makes call ids unique when a renamed id would collide with another id of the same reply', async () => {
    const trace = await runAgent({
      model: new ScriptedModel([
        { tool_calls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '1' } }] },
        {
          tool_calls: [
            { id: 'call_1', name: 'calculator', arguments: { expression: '2' } },
            { id: 'call_2_1', name: 'calculator', arguments: { expression: '3' } },
          ],
        },
        { text: 'ok' },
      ]),
      tools: builtinRegistry(),
      messages: user('x'),
      workspaceRoot: workspace,
    });
    const ids = trace.toolCalls.map((c) => c.id);
    expect(new Set(ids).size).toBe(3);
    // The call that did not repeat anything keeps its id; the repeat gets a fresh one.
    expect(ids).toEqual(['call_1', 'call_2_1_2', 'call_2_1']);
    expect(trace.toolCalls.map((c) => c.result)).toEqual(['1', '2', '3']);
  });

  it('makes two identical call ids in one reply unique, and avoids ids from the history it was given', async () => {
    const history = [
      { role: 'user' as const, content: 'before' },
      { role: 'assistant' as const, content: '', toolCalls: [{ id: 'call_1', name: 'calculator', arguments: { expression: '0' } }] },
      { role: 'tool' as const, toolCallId: 'call_1', name: 'calculator', content: '0' },
      { role: 'assistant' as const, content: 'zero' },
      { role: 'user' as const, content: 'again' },
    ];
    const trace = await runAgent({
      model: new ScriptedModel([
        {
          tool_calls: [
            { id: 'same', name: 'calculator', arguments: { expression: '1' } },
            { id: 'same', name: 'calculator', arguments: { expression: '2' } },
            { id: 'call_1', name: 'calculator', arguments: { expression: '3' } },
          ],
        },
        { text: 'ok' },
      ]),
      tools: builtinRegistry(),
      messages: history,
      workspaceRoot: workspace,
    });
    expect(trace.toolCalls.map((c) => c.id)).toEqual(['same', 'call_1_2', 'call_1_3']);
    const toolIds = trace.messages.filter((m) => m.role === 'tool').map((m) => (m as { toolCallId: string }).toolCallId);
    expect(new Set(toolIds).size).toBe(toolIds.length);
  });

  it('treats an approval hook that throws as a denial with its error as the reason', async () => {
    const model = new ScriptedModel([{ tool_calls: [{ name: 'calculator', arguments: { expression: '1+1' } }] }, { text: 'ok' }]);
    const trace = await runAgent({
      model,
      tools: builtinRegistry(),
      messages: user('x'),
      workspaceRoot: workspace,
      approve: () => {
        throw new Error('the terminal went away');
      },
    });
    expect(trace.stopReason).toBe('final');
    expect(trace.toolCalls[0]).toMatchObject({ errorKind: 'denied', error: 'call to calculator denied: approval failed: the terminal went away' });
    expect(trace.messages.at(-2)).toMatchObject({ role: 'tool', isError: true });
  });

  it('completes the trace when onEvent throws on every event', async () => {
    let events = 0;
    const model = new ScriptedModel([{ tool_calls: [{ name: 'calculator', arguments: { expression: '6*7' } }] }, { text: 'forty-two' }]);
    const trace = await runAgent({
      model,
      tools: builtinRegistry(),
      messages: user('x'),
      workspaceRoot: workspace,
      stream: true,
      onEvent: () => {
        events++;
        throw new Error('listener broke');
      },
    });
    expect(events).toBe(3); // tool_call, tool_result, text
    expect(trace.stopReason).toBe('final');
    expect(trace.toolCalls[0]).toMatchObject({ result: '42' });
    expect(trace.finalAnswer).toBe('forty-two');
  });

  it('turns an unexpected exception inside the loop into stopReason error with the message', async () => {
    const broken: ChatModel = {
      id: 'broken',
      provider: 'broken',
      model: 'broken',
      // A provider bug: no toolCalls array.
      chat: async () => ({ text: 'hi', usage: { inputTokens: 1, outputTokens: 1 }, finishReason: 'stop', latencyMs: 1, costUsd: 0, attempts: 1 }) as unknown as ChatResult,
      stream: async function* () {},
    };
    const trace = await runAgent({ model: broken, tools: builtinRegistry(), messages: user('x'), workspaceRoot: workspace });
    expect(trace.stopReason).toBe('error');
    expect(trace.error).toMatch(/^the agent loop failed: /);
    expect(trace.modelCalls).toHaveLength(1);
  });

  it('answers the calls of a reply it stops after on the time budget as not run, before running them', async () => {
    const ran: string[] = [];
    const slowModel: ChatModel = {
      id: 'slow',
      provider: 'slow',
      model: 'slow',
      // Answers after the deadline has passed, ignoring the signal, as a slow server might.
      chat: () =>
        new Promise<ChatResult>((resolve) =>
          setTimeout(
            () =>
              resolve({
                text: '',
                toolCalls: [{ id: 'a', name: 'calculator', arguments: { expression: '1' } }],
                usage: { inputTokens: 1, outputTokens: 1 },
                finishReason: 'tool_calls',
                latencyMs: 80,
                costUsd: 0,
                attempts: 1,
              }),
            80,
          ),
        ),
      stream: async function* () {},
    };
    const trace = await runAgent({
      model: slowModel,
      tools: builtinRegistry(),
      messages: user('x'),
      workspaceRoot: workspace,
      budget: { maxTimeMs: 20 },
      onEvent: (e) => e.type === 'tool_call' && ran.push(e.call.name),
    });
    expect(trace.stopReason).toBe('max_time');
    expect(ran).toEqual([]);
    expect(trace.toolCalls).toEqual([
      { step: 1, id: 'a', name: 'calculator', arguments: { expression: '1' }, error: 'call to calculator was not run: the time budget was spent', errorKind: 'not_run', latencyMs: 0 },
    ]);
    expect(trace.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'a', name: 'calculator', content: 'call to calculator was not run: the time budget was spent', isError: true });
  });

  it('puts the system prompt first', async () => {
    const trace = await runAgent({ model: new ScriptedModel([{ text: 'x' }]), tools: builtinRegistry(), messages: user('hi'), system: 'be brief', workspaceRoot: workspace });
    expect(trace.messages[0]).toEqual({ role: 'system', content: 'be brief' });
  });
});

describe('runAgent through a real provider SDK on a loopback fake', () => {
  const model = (fake: OpenAiFake) => openaiProvider.create('gpt-4o-mini', { baseUrl: `${fake.url}/v1`, apiKey: 'sk-test', retries: 0 });

  it('stops at the token budget once the calls so far have spent it', async () => {
    const fake = await new OpenAiFake().start();
    try {
      fake.say(
        { toolCalls: [{ name: 'calculator', arguments: { expression: '1+1' } }], usage: { input: 600, output: 100 } },
        { toolCalls: [{ name: 'calculator', arguments: { expression: '2+2' } }], usage: { input: 700, output: 100 } },
        { text: 'never reached' },
      );
      const trace = await runAgent({ model: model(fake), tools: builtinRegistry(), messages: user('x'), workspaceRoot: workspace, budget: { maxTokens: 1_000 } });
      expect(trace.stopReason).toBe('max_tokens');
      expect(trace.modelCalls).toHaveLength(2);
      expect(trace.usage).toEqual({ inputTokens: 1300, outputTokens: 200 });
      expect(trace.costUsd).toBeCloseTo((1300 * 0.15 + 200 * 0.6) / 1e6, 12);
    } finally {
      await fake.close();
    }
  });

  it('answers each pending tool call as not run when it stops on the token budget, so the history can be sent again', async () => {
    const fake = await new OpenAiFake().start();
    try {
      fake.say(
        {
          toolCalls: [
            { name: 'calculator', arguments: { expression: '1+1' } },
            { name: 'calculator', arguments: { expression: '2+2' } },
          ],
          usage: { input: 900, output: 200 },
        },
        { text: 'fine' },
      );
      const trace = await runAgent({ model: model(fake), tools: builtinRegistry(), messages: user('x'), workspaceRoot: workspace, budget: { maxTokens: 1_000 } });
      expect(trace.stopReason).toBe('max_tokens');
      expect(trace.toolCalls.map((c) => [c.errorKind, c.error])).toEqual([
        ['not_run', 'call to calculator was not run: the token budget was spent'],
        ['not_run', 'call to calculator was not run: the token budget was spent'],
      ]);
      expect(trace.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
      const callIds = (trace.messages[1] as { toolCalls: { id: string }[] }).toolCalls.map((c) => c.id);
      expect(trace.messages.slice(2).map((m) => (m as { toolCallId: string }).toolCallId)).toEqual(callIds);

      // As `lunar chat` does: the next turn sends this history back, and the provider takes it.
      const next = await runAgent({ model: model(fake), tools: builtinRegistry(), messages: [...trace.messages, { role: 'user', content: 'and now?' }], workspaceRoot: workspace });
      expect(next.stopReason).toBe('final');
      const sent = fake.lastBody.messages as { role: string; tool_call_id?: string }[];
      expect(sent.filter((m) => m.role === 'tool').map((m) => m.tool_call_id)).toEqual(callIds);
    } finally {
      await fake.close();
    }
  });

  it('sends arguments that are not JSON back to the model, which repairs its call', async () => {
    const fake = await new OpenAiFake().start();
    try {
      fake.say(
        { toolCalls: [{ name: 'calculator', arguments: '{"expression": "6*7"' }] },
        { toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }] },
        { text: '42' },
      );
      const trace = await runAgent({ model: model(fake), tools: builtinRegistry(), messages: user('6 times 7?'), workspaceRoot: workspace });
      expect(trace.toolCalls[0]).toMatchObject({ errorKind: 'invalid_arguments' });
      expect(trace.toolCalls[1]).toMatchObject({ result: '42' });
      expect(trace.finalAnswer).toBe('42');
      // The model saw its error as a tool message on the second request.
      const second = fake.requests[1]!.body.messages as { role: string; content: string }[];
      expect(second.at(-1)).toMatchObject({ role: 'tool' });
      expect(second.at(-1)!.content).toMatch(/not a JSON object/);
    } finally {
      await fake.close();
    }
  });
});

describe('what tools spend', () => {
  it('adds a tool’s own cost (a paid query embedding) to its call record and to the trace’s cost', async () => {
    const paid = defineTool({
      name: 'lookup',
      description: 'look something up',
      schema: z.object({ q: z.string() }),
      run: () => ({ content: 'found', costUsd: 0.0002 }),
    });
    const trace = await runAgent({
      model: new ScriptedModel([{ tool_calls: [{ name: 'lookup', arguments: { q: 'x' } }, { name: 'lookup', arguments: { q: 'y' } }] }, { text: 'ok' }]),
      tools: new ToolRegistry([paid]),
      messages: user('x'),
      workspaceRoot: workspace,
    });
    expect(trace.toolCalls.map((c) => c.costUsd)).toEqual([0.0002, 0.0002]);
    expect(trace.costUsd).toBeCloseTo(0.0004, 12);
  });
});
