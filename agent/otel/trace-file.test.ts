import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { Case } from '../../datasets/case.ts';
import { casesFromSpans, parseTraceText } from './trace-file.ts';

const T1 = '4bf92f3577b34da6a3ce929d0e0e4736';
const T2 = '00000000000000000000000000abcdef';

/** A Jaeger export as the UI's "Download JSON" writes it: microseconds, typed tags, OTel status as tags. */
const jaeger = {
  data: [
    {
      traceID: T1,
      spans: [
        { traceID: T1, spanID: '00f067aa0ba902b7', operationName: 'invoke_agent', references: [], startTime: 1767600000000000, duration: 900000, tags: [{ key: 'gen_ai.operation.name', type: 'string', value: 'invoke_agent' }], logs: [], processID: 'p1' },
        {
          traceID: T1,
          spanID: '1111111111111111',
          operationName: 'chat gpt-4o-mini',
          references: [{ refType: 'CHILD_OF', traceID: T1, spanID: '00f067aa0ba902b7' }],
          startTime: 1767600000010000,
          duration: 300000,
          tags: [
            { key: 'gen_ai.operation.name', type: 'string', value: 'chat' },
            { key: 'gen_ai.usage.input_tokens', type: 'int64', value: 42 },
            { key: 'gen_ai.usage.output_tokens', type: 'int64', value: 7 },
            // Jaeger keeps array attributes as JSON text.
            { key: 'gen_ai.response.finish_reasons', type: 'string', value: '["tool_calls"]' },
            { key: 'gen_ai.input.messages', type: 'string', value: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Is the API up?' }] }]) },
          ],
          processID: 'p1',
        },
        {
          traceID: T1,
          spanID: '2222222222222222',
          operationName: 'execute_tool ping',
          references: [{ refType: 'CHILD_OF', traceID: T1, spanID: '00f067aa0ba902b7' }],
          startTime: 1767600000320000,
          duration: 15000,
          tags: [
            { key: 'gen_ai.operation.name', type: 'string', value: 'execute_tool' },
            { key: 'gen_ai.tool.name', type: 'string', value: 'ping' },
            { key: 'gen_ai.tool.call.arguments', type: 'string', value: '{"host":"api"}' },
            { key: 'otel.status_code', type: 'string', value: 'ERROR' },
            { key: 'error', type: 'bool', value: true },
          ],
          logs: [{ timestamp: 1767600000334000, fields: [{ key: 'event', type: 'string', value: 'exception' }, { key: 'exception.message', type: 'string', value: 'timeout after 15 ms' }] }],
          processID: 'p1',
        },
      ],
      processes: { p1: { serviceName: 'support-bot', tags: [{ key: 'host.name', type: 'string', value: 'box' }] } },
    },
  ],
};

describe('parseTraceText', () => {
  it('reads a Jaeger export: microseconds, parents from CHILD_OF, the error tags and exception log, the service', () => {
    const { format, spans } = parseTraceText(JSON.stringify(jaeger, null, 2), 'jaeger.json');
    expect(format).toBe('jaeger');
    const [c] = casesFromSpans(spans, { price: () => undefined });
    expect(c).toMatchObject({ id: T1, input: 'Is the API up?', category: 'imported', tags: ['service:support-bot'] });
    const trace = c!.trace as Record<string, unknown>;
    expect(trace.latencyMs).toBe(900);
    expect(trace.modelCalls).toEqual([
      { step: 1, request: { messageCount: 1, tools: [] }, response: { text: '', toolCalls: [], finishReason: 'tool_calls' }, usage: { inputTokens: 42, outputTokens: 7 }, latencyMs: 300, costUsd: 0, attempts: 1, priced: false },
    ]);
    expect(trace.toolCalls).toEqual([{ step: 1, id: 'span_2222222222222222', name: 'ping', arguments: { host: 'api' }, error: 'timeout after 15 ms', errorKind: 'threw', latencyMs: 15 }]);
  });

  it('pads Jaeger 64-bit trace ids to 128 bits', () => {
    const doc = { data: [{ spans: [{ traceID: 'abcdef', spanID: '1', operationName: 'x', startTime: 0, duration: 1 }] }] };
    expect(parseTraceText(JSON.stringify(doc), 'j.json').spans[0]).toMatchObject({ traceId: T2, spanId: '0000000000000001' });
  });

  it('reads the collector file exporter lines and one pretty-printed OTLP document alike', () => {
    const request = (traceId: string, name: string) => ({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans: [{ traceId, spanId: '0102030405060708', name, startTimeUnixNano: '1000000', endTimeUnixNano: '3000000' }] }] }] });
    const lines = parseTraceText(`${JSON.stringify(request(T1, 'a'))}\n\n${JSON.stringify(request(T2, 'b'))}\n`, 'x.jsonl');
    expect([lines.format, lines.spans.map((s) => [s.traceId, s.name, s.endMs - s.startMs])]).toEqual(['otlp-jsonl', [[T1, 'a', 2], [T2, 'b', 2]]]);
    const doc = parseTraceText(JSON.stringify(request(T1, 'a'), null, 2), 'x.json');
    expect([doc.format, doc.spans.length, doc.spans[0]!.resource]).toEqual(['otlp-json', 1, { 'service.name': 'svc' }]);
  });

  it('names the file, the line and the field of the first bad value', () => {
    const bad = (text: string, file = 'f.jsonl') => {
      try {
        parseTraceText(text, file);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(bad('{"resourceSpans":[]}\n{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' + T1 + '","spanId":"0102030405060708","name":"x","startTimeUnixNano":"soon","endTimeUnixNano":"2"}]}]}]}')).toBe(
      'f.jsonl:2: resourceSpans.0.scopeSpans.0.spans.0.startTimeUnixNano: expected an integer',
    );
    expect(bad('{"resourceSpans":[]}\nnot json')).toMatch(/^f\.jsonl:2: \(line\): not valid JSON/);
    expect(bad(JSON.stringify({ data: [{ spans: [{ traceID: 'xyz' }] }] }), 'j.json')).toBe('j.json:1: data.0.spans.0.traceID: expected a hex trace id');
    expect(bad('{"spans":[]}', 'o.json')).toMatch(/^o\.json:1: \(document\): neither OTLP JSON \(resourceSpans\) nor a Jaeger export \(data\)/);
  });
});

describe('casesFromSpans', () => {
  it('makes one case per trace id in the order the traces began, counts a span exported twice once, and leaves out an input the spans do not carry', () => {
    const span = (traceId: string, spanId: string, startMs: number) => ({ traceId, spanId, name: 'execute_tool t', startMs, endMs: startMs + 1, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't' }, status: { code: 0 as const }, events: [], resource: {} });
    const cases = casesFromSpans([span(T1, 'a'.repeat(16), 50), span(T2, 'b'.repeat(16), 10), span(T1, 'a'.repeat(16), 50)]);
    expect(cases.map((c) => [c.id, c.input, (c.trace as { toolCalls: unknown[] }).toolCalls.length])).toEqual([
      [T2, undefined, 1],
      [T1, undefined, 1],
    ]);
    // Valid cases as the dataset loader reads them: a trace needs no input and no expectation.
    for (const c of cases) expect(Case.safeParse(JSON.parse(JSON.stringify(c))).success).toBe(true);
  });
});
