import { describe, expect, it } from 'vitest';
import { compileTransform, sseEvents } from './http.ts';

describe('Server-Sent Events', () => {
  it('reads data lines per event, joins multi-line data, keeps text that is not JSON and drops [DONE]', () => {
    const body = 'event: delta\r\ndata: {"t":"He"}\r\n\r\n: a comment\ndata: {"t":"llo"}\n\ndata: plain\ndata: text\n\ndata: [DONE]\n\n';
    expect(sseEvents(body)).toEqual([{ t: 'He' }, { t: 'llo' }, 'plain\ntext']);
  });
});

describe('transforms', () => {
  it('compiles an arrow function once and runs it on the JSON', () => {
    expect(compileTransform('json => json.data.reply.toUpperCase()', 't')({ data: { reply: 'ok' } })).toBe('OK');
  });

  it('names the target when the source is not a function', () => {
    expect(() => compileTransform('json =>', 'target x')).toThrow(/^target x: transform: not a JavaScript expression/);
    expect(() => compileTransform('42', 'target x')).toThrow('target x: transform: expected a function such as json => json.data.reply');
  });
});
