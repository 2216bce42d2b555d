// A Trace's tool calls (arguments already decoded by JSON.parse) as the checker's decoded calls,
// and what JSON.parse's lost int/float distinction costs against BFCL's verdicts.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ToolCallRecord } from '../../agent/trace.ts';
import { checkBfcl } from './match-calls.ts';
import { parsePossibleAnswers, parseQuestions } from '../../datasets/bfcl/parse.ts';
import { bfclCallsFromToolCalls } from './trace-calls.ts';
import { referenceData } from '../../test/reference-data.ts';

const BFCL = referenceData('bfcl');

describe('bfclCallsFromToolCalls', () => {
  it('reads integral numbers as ints and others as floats, keeping names, order and nesting', () => {
    const records: ToolCallRecord[] = [
      { step: 0, id: 'call_1', name: 'spotify_play', arguments: { artist: 'Maroon 5', duration: 15 }, latencyMs: 1 },
      { step: 0, id: 'call_2', name: 'area', arguments: { r: 2.5, xs: [1, 1.5, -0], opts: { exact: true, unit: null } }, result: 'ok', latencyMs: 1 },
    ];
    expect(bfclCallsFromToolCalls(records)).toEqual([
      { name: 'spotify_play', arguments: { artist: 'Maroon 5', duration: 15n } },
      { name: 'area', arguments: { r: 2.5, xs: [1n, 1.5, 0n], opts: { exact: true, unit: null } } },
    ]);
  });

  it('so a model\'s 5.0 arrives as the int 5 (JSON.parse kept no trace of the ".0")', () => {
    const [call] = bfclCallsFromToolCalls([{ name: 'f', arguments: JSON.parse('{"height": 5.0}') as Record<string, unknown> }]);
    expect(call!.arguments.height).toBe(5n);
  });

  it('refuses what is not a JSON value, naming where', () => {
    expect(() => bfclCallsFromToolCalls([{ name: 'f', arguments: { a: [1, undefined] } }])).toThrow('toolCalls[0].arguments.a[1]: undefined is not a JSON value');
    expect(() => bfclCallsFromToolCalls([{ name: 'f', arguments: { a: Number.NaN } }])).toThrow('toolCalls[0].arguments.a: NaN is not a JSON number');
  });

  it.skipIf(!BFCL.present)('on the dev verdicts, calls decoded by JSON.parse flip 157 of BFCL\'s 4,689 verdicts, all on integral floats', () => {
    const questions = new Map<string, ReturnType<typeof parseQuestions>>();
    const answers = new Map<string, ReturnType<typeof parsePossibleAnswers>>();
    for (const category of ['simple_python', 'multiple', 'parallel', 'irrelevance']) {
      questions.set(category, parseQuestions(readFileSync(BFCL.file(`BFCL_v4_${category}.json`), 'utf8'), category));
      if (category !== 'irrelevance') answers.set(category, parsePossibleAnswers(readFileSync(BFCL.file(`possible_answer/BFCL_v4_${category}.json`), 'utf8'), category));
    }
    const flips: Record<string, number> = {};
    let total = 0;
    for (const text of readFileSync(BFCL.file('checker_verdicts_dev.jsonl'), 'utf8').trim().split('\n')) {
      // What a provider hands the loop: the arguments through plain JSON.parse.
      const line = JSON.parse(text) as { category: string; id: string; perturbation: string; underscore_to_dot: boolean; valid: boolean; calls: { name: string; arguments: Record<string, unknown> }[] };
      total++;
      const entry = { functions: questions.get(line.category)!.get(line.id)!.value.function, groundTruth: answers.get(line.category)?.get(line.id)!.value.ground_truth };
      const verdict = checkBfcl(line.category, entry, bfclCallsFromToolCalls(line.calls), { underscoreToDot: line.underscore_to_dot });
      if (verdict.valid !== line.valid) {
        const key = `${line.perturbation}: ${line.valid} → ${verdict.valid}`;
        flips[key] = (flips[key] ?? 0) + 1;
      }
    }
    expect(total).toBe(4689);
    // 10.0 for an integer passes; [1.0, 2.0] for an array of integers passes; one correct call
    // with integral floats in an array of floats fails (they arrive as ints).
    expect(flips).toEqual({ 'float_for_int: false → true': 148, 'array_ints_as_floats: false → true': 8, 'correct: true → false': 1 });
  });
});
