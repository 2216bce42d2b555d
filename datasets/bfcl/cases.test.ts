import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { referenceData, upstreamFiles } from '../../test/reference-data.ts';
import { bfclCategoryOf, readBfclCases } from './cases.ts';

const BFCL = referenceData('bfcl', upstreamFiles('bfcl'));
const questions = (category: string) => BFCL.file(`BFCL_v4_${category}.json`);
const answers = (category: string) => BFCL.file(`possible_answer/BFCL_v4_${category}.json`);

describe.skipIf(!BFCL.present)('BFCL entries as cases', () => {
  it('reads every entry of the four categories, with the category from the file name', () => {
    const counts = Object.fromEntries(
      ['simple_python', 'multiple', 'parallel', 'irrelevance'].map((category) => [
        category,
        readBfclCases({ questions: questions(category), answers: category === 'irrelevance' ? undefined : answers(category) }).length,
      ]),
    );
    expect(counts).toEqual({ simple_python: 400, multiple: 200, parallel: 200, irrelevance: 240 });
    expect(bfclCategoryOf('/x/BFCL_v4_parallel.json')).toBe('parallel');
  });

  it('turns the question into the conversation and keeps ints apart from floats in the possible answers', () => {
    const [first] = readBfclCases({ questions: questions('simple_python'), answers: answers('simple_python') });
    expect(first).toMatchObject({
      id: 'simple_python_0',
      category: 'bfcl_simple_python',
      tags: ['bfcl', 'simple_python'],
      messages: [{ role: 'user', content: 'Find the area of a triangle with a base of 10 units and height of 5 units.' }],
    });
    expect(first!.bfcl!.functions.map((f) => f.name)).toEqual(['calculate_triangle_area']);
    // {"calculate_triangle_area": {"base": [10], "height": [5], "unit": ["units", ""]}}
    expect(first!.bfcl!.ground_truth).toEqual([{ name: 'calculate_triangle_area', params: { base: [10n], height: [5n], unit: ['units', ''] } }]);
    expect(first!.bfcl!.underscore_to_dot).toBe(true);
  });

  it('refuses a category that needs answers without them, and an entry with no possible answer', () => {
    expect(() => readBfclCases({ questions: questions('multiple') })).toThrow(InputError);
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bfcl-'));
    const partial = join(dir, 'answers.json');
    writeFileSync(partial, '{"id": "multiple_0", "ground_truth": [{"triangle_properties.get": {"side1": [5], "side2": [4], "side3": [3]}}]}\n');
    expect(() => readBfclCases({ questions: questions('multiple'), answers: partial })).toThrow(/id: "multiple_1" .*has no possible answer/);
  });
});

describe('BFCL categories by their own names', () => {
  const entry = (id: string, functions: unknown[]) =>
    JSON.stringify({ id, question: [[{ role: 'user', content: 'What is the weather?' }]], function: functions });
  const weather = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'dict', properties: { city: { type: 'string', description: 'the city' } }, required: ['city'] } };

  it('reads live_relevance and live_irrelevance with no possible answers, an entry offering no function included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bfcl-live-'));
    const relevance = join(dir, 'BFCL_v4_live_relevance.json');
    writeFileSync(relevance, `${entry('live_relevance_0', [weather])}\n`);
    const irrelevance = join(dir, 'BFCL_v4_live_irrelevance.json');
    writeFileSync(irrelevance, `${entry('live_irrelevance_0', [])}\n`);
    expect(readBfclCases({ questions: relevance }).map((c) => [c.id, c.bfcl?.category])).toEqual([['live_relevance_0', 'live_relevance']]);
    expect(readBfclCases({ questions: irrelevance }).map((c) => c.bfcl?.functions.length)).toEqual([0]);
  });

  it('refuses a category that is not one of BFCL v4 single-turn categories, naming the known ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-bfcl-live-'));
    const file = join(dir, 'BFCL_v4_multi_turn_base.json');
    writeFileSync(file, `${entry('multi_turn_base_0', [weather])}\n`);
    expect(() => readBfclCases({ questions: file })).toThrow(InputError);
    expect(() => readBfclCases({ questions: file })).toThrow(/category: "multi_turn_base" is not a BFCL single-turn category \(simple_python, simple_java/);
  });
});
