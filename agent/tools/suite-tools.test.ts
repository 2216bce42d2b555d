import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { suiteTools, UnprovidedToolError } from './suite-tools.ts';
import { defineTool, ToolRegistry } from './tool.ts';

const tool = (name: string) => defineTool({ name, description: name, schema: z.object({}), run: () => name });
const registry = () => new ToolRegistry(['calculator', 'read_file', 'files__read', 'files__write', 'docs__search', 'docs__fetch'].map(tool));
const SERVERS = [
  { server: 'files', tools: ['files__read', 'files__write'] },
  { server: 'docs', tools: ['docs__search', 'docs__fetch'] },
];

describe("a suite's tools", () => {
  it('are every tool there when the suite lists none', () => {
    expect(suiteTools(registry(), undefined, SERVERS).names()).toEqual(['calculator', 'read_file', 'files__read', 'files__write', 'docs__search', 'docs__fetch']);
  });

  it('are the listed built-ins plus every tool of each MCP server the list does not mention', () => {
    expect(suiteTools(registry(), ['calculator'], SERVERS).names()).toEqual(['calculator', 'files__read', 'files__write', 'docs__search', 'docs__fetch']);
  });

  it('keep only the named tools of a server the list names, by name or by a server__* pattern', () => {
    expect(suiteTools(registry(), ['calculator', 'files__write'], SERVERS).names()).toEqual(['calculator', 'files__write', 'docs__search', 'docs__fetch']);
    expect(suiteTools(registry(), ['docs__*'], SERVERS).names()).toEqual(['docs__search', 'docs__fetch', 'files__read', 'files__write']);
  });

  it('refuse a name or a pattern nothing provides, naming each', () => {
    const refuse = () => suiteTools(registry(), ['calculator', 'calculater', 'wiki__*'], SERVERS);
    expect(refuse).toThrow(UnprovidedToolError);
    expect(refuse).toThrow(
      'nothing provides calculater, wiki__*: the tools here are calculator, read_file, files__read, files__write, docs__search, docs__fetch; mcp servers: files, docs (their tools are offered as <server>__<tool>)',
    );
  });

  it('treat only * as special in a pattern', () => {
    const dotted = new ToolRegistry(['a.b', 'axb'].map(tool));
    expect(suiteTools(dotted, ['a.*'], []).names()).toEqual(['a.b']);
  });
});
