import { describe, expect, it } from 'vitest';
import { readBfclCases } from '../../datasets/bfcl/cases.ts';
import { referenceData } from '../../test/reference-data.ts';
import { modelCall, traceOf } from '../test-fixtures.ts';
import { bfclAst } from './scorer.ts';

const BFCL = referenceData('bfcl', ['BFCL_v4_simple_python.json', 'possible_answer/BFCL_v4_simple_python.json', 'BFCL_v4_irrelevance.json']);
const simple = BFCL.present ? readBfclCases({ questions: BFCL.file('BFCL_v4_simple_python.json'), answers: BFCL.file('possible_answer/BFCL_v4_simple_python.json') }) : [];
const irrelevance = BFCL.present ? readBfclCases({ questions: BFCL.file('BFCL_v4_irrelevance.json') }) : [];
const first = { modelCalls: [modelCall({ step: 1 })] };

describe.skipIf(!BFCL.present)('bfcl_ast', () => {
  const scorer = bfclAst();

  it('passes the expected call, an optional parameter omitted', async () => {
    const trace = traceOf(null, [{ name: 'calculate_triangle_area', arguments: { base: 10, height: 5 } }], first);
    expect(await scorer.score({ case: simple[0]!, trace })).toMatchObject({ value: 1, pass: true, reason: 'valid (calculate_triangle_area)' });
  });

  it("fails a wrong value with BFCL's error type, and no call with the count error", async () => {
    const wrong = traceOf(null, [{ name: 'calculate_triangle_area', arguments: { base: 10, height: 6 } }], first);
    expect(await scorer.score({ case: simple[0]!, trace: wrong })).toMatchObject({ value: 0, pass: false, details: { error_type: 'value_error:others' } });
    expect(await scorer.score({ case: simple[0]!, trace: traceOf('The area is 25.', [], first) })).toMatchObject({
      pass: false,
      details: { error_type: 'simple_function_checker:wrong_count' },
    });
  });

  it('judges only the first reply: a call made after a tool result does not count', async () => {
    const later = traceOf(null, [{ name: 'calculate_triangle_area', arguments: { base: 10, height: 5 }, step: 2 }], { modelCalls: [modelCall({ step: 1 }), modelCall({ step: 2 })] });
    expect(await scorer.score({ case: simple[0]!, trace: later })).toMatchObject({ pass: false });
  });

  it('passes an irrelevance entry only when no function is called', async () => {
    expect(await scorer.score({ case: irrelevance[0]!, trace: traceOf('None of these tools fits.', [], first) })).toMatchObject({ pass: true });
    const called = traceOf(null, [{ name: irrelevance[0]!.bfcl!.functions[0]!.name.replaceAll('.', '_'), arguments: {} }], first);
    expect(await scorer.score({ case: irrelevance[0]!, trace: called })).toMatchObject({ pass: false, details: { error_type: 'irrelevance_error:decoder_success' } });
  });

  it('fails arguments that were not JSON as BFCL fails an output it cannot decode, and counts them as no call for irrelevance', async () => {
    const garbled = { modelCalls: [modelCall({ step: 1, response: { text: '', finishReason: 'tool_calls', toolCalls: [{ id: 'c0', name: 'calculate_triangle_area', arguments: {}, invalidArguments: '{base: 10' }] } })] };
    expect(await scorer.score({ case: simple[0]!, trace: traceOf(null, [{ name: 'calculate_triangle_area', arguments: {} }], garbled) })).toMatchObject({
      pass: false,
      details: { error_type: 'ast_decoder:decoder_failed' },
    });
    expect(await scorer.score({ case: irrelevance[0]!, trace: traceOf(null, [{ name: 'calculate_triangle_area', arguments: {} }], garbled) })).toMatchObject({ pass: true });
  });

  it('live_relevance: passes any call of the first reply, fails no call, and fails arguments that were not JSON (nothing decoded)', async () => {
    const relevance = { ...irrelevance[0]!, bfcl: { ...irrelevance[0]!.bfcl!, category: 'live_relevance' } };
    const called = traceOf(null, [{ name: 'anything', arguments: {} }], first);
    expect(await scorer.score({ case: relevance, trace: called })).toMatchObject({ pass: true, reason: 'valid (anything)' });
    expect(await scorer.score({ case: relevance, trace: traceOf('No tool fits.', [], first) })).toMatchObject({
      pass: false,
      details: { error_type: 'relevance_error:decoder_failed', errors: ['Invalid syntax. Failed to decode AST when it should have. None'] },
    });
    const garbled = { modelCalls: [modelCall({ step: 1, response: { text: '', finishReason: 'tool_calls', toolCalls: [{ id: 'c0', name: 'f', arguments: {}, invalidArguments: '{x' }] } })] };
    expect(await scorer.score({ case: relevance, trace: traceOf(null, [{ name: 'f', arguments: {} }], garbled) })).toMatchObject({
      pass: false,
      details: { error_type: 'relevance_error:decoder_failed' },
    });
  });

  it('has nothing to say on a case that is not from BFCL', async () => {
    expect(await scorer.score({ case: { ...simple[0]!, bfcl: undefined }, trace: traceOf('x') })).toBeNull();
  });
});
