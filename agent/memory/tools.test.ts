import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgent } from '../loop.ts';
import { ScriptedModel } from '../providers/scripted.ts';
import { builtinTools } from '../tools/builtin.ts';
import { ToolRegistry } from '../tools/tool.ts';
import type { MemoryOpRecord } from '../trace.ts';
import { MemoryStore } from './store.ts';
import { bindMemoryTools, memoryToolDeclarations } from './tools.ts';

const AT = new Date('2026-01-05T09:00:00Z');

let root: string;
let store: MemoryStore;
beforeEach(async () => {
  root = await fs.mkdtemp(join(tmpdir(), 'lunar-memory-tools-'));
  store = new MemoryStore(root);
});
afterEach(async () => {
  store.close();
  await fs.rm(root, { recursive: true, force: true });
});

/** Runs the scripted tool calls through the real loop with the memory tools bound; returns the trace and the ops. */
async function run(calls: { name: string; arguments: Record<string, unknown> }[]) {
  const ops: MemoryOpRecord[] = [];
  const tools = bindMemoryTools(new ToolRegistry(memoryToolDeclarations()), store, (op) => ops.push(op));
  const model = new ScriptedModel([{ tool_calls: calls }, { text: 'done' }]);
  const trace = await runAgent({ model, tools, messages: [{ role: 'user', content: 'go' }], workspaceRoot: root, now: () => AT });
  return { trace, ops, results: trace.toolCalls.map((c) => c.error ?? c.result) };
}

describe('memory tools', () => {
  it('declares the three tools without a memory: a run with them unbound gets an error naming why', async () => {
    const tools = new ToolRegistry(memoryToolDeclarations());
    expect(tools.names()).toEqual(['memory_write', 'memory_search', 'memory_get']);
    const model = new ScriptedModel([{ tool_calls: [{ name: 'memory_search', arguments: { query: 'cat' } }] }, { text: 'done' }]);
    const trace = await runAgent({ model, tools, messages: [{ role: 'user', content: 'go' }], workspaceRoot: root });
    expect(trace.toolCalls[0]).toMatchObject({
      errorKind: 'threw',
      error: 'memory_search failed: memory_search has no memory here: memory is set up per conversation (a case with "sessions", a chat), not for this run',
    });
  });

  it('binds only the memory tools a registry offers, in its order, leaving its other tools alone', () => {
    const [readFile] = builtinTools();
    const offered = new ToolRegistry([memoryToolDeclarations()[1]!, readFile!, memoryToolDeclarations()[0]!]);
    const bound = bindMemoryTools(offered, store);
    expect(bound.names()).toEqual(['memory_search', 'read_file', 'memory_write']);
    expect(bound.get('read_file')).toBe(readFile);
    expect(bound.specs()).toEqual(offered.specs());
  });

  it('writes, searches and reads back, each use recorded; the search labels each note with its file and lines', async () => {
    const { trace, ops, results } = await run([
      { name: 'memory_write', arguments: { text: 'My cat is called Miso.' } },
      { name: 'memory_write', arguments: { text: 'The user is vegetarian.', file: 'MEMORY.md' } },
    ]);
    expect(results).toEqual(['Saved to memory/2026-01-05.md (lines 4-4).', 'Saved to MEMORY.md (lines 4-4).']);
    expect(ops.map((o) => [o.op, o.path, o.text])).toEqual([
      ['write', 'memory/2026-01-05.md', 'My cat is called Miso.'],
      ['write', 'MEMORY.md', 'The user is vegetarian.'],
    ]);
    expect(trace.stopReason).toBe('final');

    const found = await run([{ name: 'memory_search', arguments: { query: 'cat called' } }]);
    // Hybrid: BM25 finds the cat note only; the vectors rank both, the unrelated note after it.
    expect(found.results[0]).toBe('[memory/2026-01-05.md:4-4]\n2026-01-05 > 09:00\n\nMy cat is called Miso.\n\n[MEMORY.md:4-4]\nMemory > 2026-01-05 09:00\n\nThe user is vegetarian.');
    expect(found.trace.retrieved.map((r) => [r.id, r.lines, r.toolCallId])).toEqual([
      ['memory/2026-01-05.md#0', [4, 4], 'call_1_1'],
      ['MEMORY.md#0', [4, 4], 'call_1_1'],
    ]);
    expect(found.ops).toEqual([
      {
        op: 'search',
        at: '2026-01-05T09:00:00.000Z',
        query: 'cat called',
        hits: ['memory/2026-01-05.md:4-4', 'MEMORY.md:4-4'],
        reindexed: { added: 2, updated: 0, removed: 0, unchanged: 0 },
      },
    ]);

    const read = await run([{ name: 'memory_get', arguments: { path: 'MEMORY.md', start_line: 1, end_line: 2 } }]);
    expect(read.results[0]).toBe('[MEMORY.md:1-2]\n# Memory\n\n[2 more lines; continue with start_line 3]');
    expect(read.ops).toEqual([{ op: 'get', at: '2026-01-05T09:00:00.000Z', path: 'MEMORY.md', lines: [1, 2] }]);
  });

  it('refuses to store a secret: the model sees why, the Trace keeps the refusal but not the secret, no file is written', async () => {
    const { trace, ops } = await run([{ name: 'memory_write', arguments: { text: 'My API key is sk-live-AbCdEf0123456789xyz' } }]);
    expect(trace.toolCalls[0]!.error).toMatch(/^memory_write failed: not saved: the note looks like it contains an API key \(sk-…\), and secrets are never stored in memory/);
    expect(ops).toEqual([{ op: 'write', at: '2026-01-05T09:00:00.000Z', path: 'memory/2026-01-05.md', error: expect.stringMatching(/^not saved/), refused: true }]);
    expect(JSON.stringify(ops)).not.toContain('AbCdEf0123456789');
    expect(await fs.readdir(root)).not.toContain('memory');
  });

  it('records a failed read with its error, and says when nothing matches', async () => {
    const { ops, results } = await run([
      { name: 'memory_get', arguments: { path: '../etc/passwd' } },
      { name: 'memory_search', arguments: { query: 'anything at all' } },
    ]);
    expect(results).toEqual(['memory_get failed: path "../etc/passwd" is outside the memory folder', 'No note in memory matches that.']);
    expect(ops.map((o) => [o.op, o.error])).toEqual([
      ['get', 'path "../etc/passwd" is outside the memory folder'],
      ['search', undefined],
    ]);
  });
});
