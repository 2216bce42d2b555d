import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Suite } from '../../runners/suite.ts';
import { importTraces } from './import-traces.ts';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const line = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: T, spanId: '0102030405060708', name: 'execute_tool t', startTimeUnixNano: '1000000', endTimeUnixNano: '3000000', attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } }] }] }] }] });

describe('importTraces', () => {
  it('writes the dataset and a suite lunar bench accepts, on the imported target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-import-'));
    const file = join(dir, 'Prod Traces.jsonl');
    writeFileSync(file, `${line}\n`);
    const r = importTraces(file, join(dir, 'out'));
    expect(r).toMatchObject({ format: 'otlp-jsonl', spans: 1, traces: 1, modelCalls: 0, toolCalls: 1, withoutInput: 1, notes: [] });
    const suite = Suite.parse(parse(readFileSync(r.suite, 'utf8')));
    expect(suite).toMatchObject({ name: 'prod-traces-traces', dataset: 'dataset.jsonl', targets: ['imported'], scorers: ['tool_name_match', 'tool_args_match', 'trajectory', 'tool_errors'] });
    expect(readFileSync(r.dataset, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('refuses a file with no spans in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-import-'));
    writeFileSync(join(dir, 'empty.jsonl'), '{"resourceSpans":[]}\n');
    expect(() => importTraces(join(dir, 'empty.jsonl'), dir)).toThrow(`${join(dir, 'empty.jsonl')}: no spans in it: nothing to import (is it the traces file, not metrics or logs?)`);
  });
});
