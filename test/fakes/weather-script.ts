// What the fake OpenAI server says as the model behind the example weather agents (examples/):
// it reads the conversation and plays a model that calls the tools. Paris: get_weather, then the
// answer; Lima in Fahrenheit: get_weather, then convert_temperature, then the answer; Oslo: the
// "model" misspells the city (get_weather {"city": "Olso"}), finds nothing and says so. So the
// verdicts are known: every tool scorer passes on Paris and Lima; on Oslo tool_name_match passes,
// tool_args_match and answer_contains fail.

import type { FakeTurn } from './http-fake.ts';

interface WireMessage {
  role: string;
  content?: string | { type: string; text?: string }[] | null;
}

const textOf = (m: WireMessage | undefined) => (typeof m?.content === 'string' ? m.content : (m?.content ?? []).map((p) => p.text ?? '').join(''));

export function weatherScript(body: { messages?: WireMessage[] }): FakeTurn {
  const messages = body.messages ?? [];
  const question = textOf([...messages].reverse().find((m) => m.role === 'user')).toLowerCase();
  const results = messages.filter((m) => m.role === 'tool').map(textOf);
  const usage = { input: 40 + 10 * results.length, output: 12 };
  if (question.includes('paris')) {
    if (results.length === 0) return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage };
    return { text: 'It is 18°C and cloudy in Paris today.', usage };
  }
  if (question.includes('lima')) {
    if (results.length === 0) return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Lima' } }], usage };
    if (results.length === 1) return { toolCalls: [{ name: 'convert_temperature', arguments: { celsius: 22 } }], usage };
    return { text: 'It is 72°F in Lima, and sunny.', usage };
  }
  if (question.includes('oslo')) {
    if (results.length === 0) return { toolCalls: [{ name: 'get_weather', arguments: { city: 'Olso' } }], usage };
    return { text: 'I could not find the weather for Olso.', usage };
  }
  return { text: 'I can only tell you about the weather.', usage };
}
