import { describe, expect, it } from 'vitest';
import { pathValue, renderBody, renderText } from './template.ts';
import type { AgentRequest } from './protocol.ts';

const request: AgentRequest = {
  input: 'say "hi"',
  messages: [{ role: 'user', content: 'say "hi"' }],
  sessionId: 'lunar-s1',
  vars: { case_id: 'c1', tags: ['a', 'b'], nested: { n: 2 } },
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

describe('body templates', () => {
  it('puts a whole-placeholder string in a mapping as its value, and others as text', () => {
    expect(renderBody({ q: '{{input}}', history: '{{ messages }}', s: 'session {{session_id}}', tags: '{{vars.tags}}', n: '{{vars.nested.n}}', fixed: 3 }, request)).toEqual({
      q: 'say "hi"',
      history: [{ role: 'user', content: 'say "hi"' }],
      s: 'session lunar-s1',
      tags: ['a', 'b'],
      n: 2,
      fixed: 3,
    });
  });

  it('renders a string template as text, messages as JSON and a missing var as nothing', () => {
    expect(renderText('{{traceparent}}|{{messages}}|{{vars.nope}}|{{mcp_url}}', request)).toBe(`${request.traceparent}|[{"role":"user","content":"say \\"hi\\""}]||`);
  });

  it('names an unknown placeholder and the ones there are', () => {
    expect(() => renderBody({ q: '{{question}}' }, request)).toThrow('body: unknown placeholder {{question}}: use {{input}}, {{messages}}, {{session_id}}, {{traceparent}}, {{mcp_url}} or {{vars.x}}');
  });
});

describe('answer paths', () => {
  it('walks objects and array indexes, and gives undefined where a step is missing', () => {
    const json = { choices: [{ message: { content: 'four' } }], output: null };
    expect(pathValue(json, 'choices.0.message.content')).toBe('four');
    expect(pathValue(json, 'choices.1.message.content')).toBeUndefined();
    expect(pathValue(json, 'output.text')).toBeUndefined();
  });
});
