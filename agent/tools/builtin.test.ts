import { describe, expect, it } from 'vitest';
import { builtinRegistry, builtinTools } from './builtin.ts';

interface ObjectSchema {
  type: string;
  properties: Record<string, { description?: string }>;
  required?: string[];
}

describe('builtin tools', () => {
  it('are read_file, list_files, calculator and current_time, in that order', () => {
    expect(builtinTools().map((t) => t.name)).toEqual(['read_file', 'list_files', 'calculator', 'current_time']);
    expect(builtinRegistry().names()).toEqual(['read_file', 'list_files', 'calculator', 'current_time']);
  });

  it('come as a fresh array each call, so callers may change it', () => {
    const first = builtinTools();
    first.pop();
    expect(builtinTools()).toHaveLength(4);
  });

  it('describe every argument in the JSON Schema the model sees', () => {
    for (const spec of builtinRegistry().specs()) {
      const schema = spec.parameters as unknown as ObjectSchema;
      expect(schema.type, spec.name).toBe('object');
      for (const [name, property] of Object.entries(schema.properties)) {
        expect(property.description, `${spec.name}.${name}`).toMatch(/\w{3,}/);
      }
    }
  });

  it('require only the arguments that have no default', () => {
    const required = Object.fromEntries(
      builtinRegistry()
        .specs()
        .map((s) => [s.name, (s.parameters as unknown as ObjectSchema).required ?? []]),
    );
    expect(required).toEqual({
      read_file: ['path'],
      list_files: [],
      calculator: ['expression'],
      current_time: [],
    });
  });

  // The non-LLM baseline policy picks a tool by word overlap with the user's message.
  it.each([
    ['read_file', ['read', 'file', 'open', 'show', 'contents']],
    ['list_files', ['list', 'files', 'folder', 'directory']],
    ['calculator', ['calculate', 'math', 'percentages', 'sqrt', 'arithmetic']],
    ['current_time', ['current', 'date', 'time', 'today', 'day of the week']],
  ])('describe %s in words a user would use', (name, words) => {
    const description = builtinRegistry().get(name)!.description.toLowerCase();
    for (const word of words) expect(description, word).toContain(word);
  });
});
