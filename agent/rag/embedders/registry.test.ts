import { describe, expect, it } from 'vitest';
import { GeminiEmbedder } from './gemini.ts';
import { HashEmbedder } from './hash.ts';
import { OllamaEmbedder } from './ollama.ts';
import { OpenAiEmbedder } from './openai.ts';
import { DEFAULT_EMBEDDER, UnknownEmbedderError, createEmbedder } from './registry.ts';

const env = {}; // no keys: creating never needs one

describe('createEmbedder', () => {
  it('parses every documented form, filling defaults into the id', () => {
    const cases: [string, new (...args: never[]) => unknown, string][] = [
      ['hash', HashEmbedder, 'hash:384'],
      ['hash:256', HashEmbedder, 'hash:256'],
      ['ollama', OllamaEmbedder, 'ollama:nomic-embed-text'],
      ['ollama:nomic-embed-text', OllamaEmbedder, 'ollama:nomic-embed-text'],
      ['ollama:nomic-embed-text:v1.5', OllamaEmbedder, 'ollama:nomic-embed-text:v1.5'],
      ['openai', OpenAiEmbedder, 'openai:text-embedding-3-small'],
      ['openai:text-embedding-3-small', OpenAiEmbedder, 'openai:text-embedding-3-small'],
      ['openai:text-embedding-3-large:1024', OpenAiEmbedder, 'openai:text-embedding-3-large:1024'],
      ['gemini', GeminiEmbedder, 'gemini:gemini-embedding-001'],
      ['gemini:gemini-embedding-001', GeminiEmbedder, 'gemini:gemini-embedding-001'],
      ['gemini:gemini-embedding-001:768', GeminiEmbedder, 'gemini:gemini-embedding-001:768'],
    ];
    for (const [id, type, expected] of cases) {
      const embedder = createEmbedder(id, { env });
      expect(embedder, id).toBeInstanceOf(type);
      expect(embedder.id, id).toBe(expected);
      // The id rebuilds the same embedder.
      expect(createEmbedder(embedder.id, { env }).id).toBe(expected);
    }
    expect(createEmbedder(DEFAULT_EMBEDDER).id).toBe('hash:384');
  });

  it('knows dimensions up front for hash and requested sizes, otherwise after the first reply', () => {
    expect(createEmbedder('hash:128').dimensions).toBe(128);
    expect(createEmbedder('hash', { dimensions: 64 })).toMatchObject({ id: 'hash:64', dimensions: 64 });
    expect(createEmbedder('openai', { env, dimensions: 256 })).toMatchObject({ id: 'openai:text-embedding-3-small:256', dimensions: 256 });
    expect(createEmbedder('gemini:gemini-embedding-001:768', { env }).dimensions).toBe(768);
    expect(createEmbedder('openai', { env }).dimensions).toBeUndefined();
  });

  it('lists the known embedders for an unknown id', () => {
    expect(() => createEmbedder('bert:base')).toThrow(UnknownEmbedderError);
    expect(() => createEmbedder('bert:base')).toThrow(/unknown embedder "bert:base": use one of hash\[:<dimensions>\].*ollama.*openai.*gemini/);
  });

  it('rejects bad or conflicting dimensions', () => {
    expect(() => createEmbedder('hash:big')).toThrow(/"big" is not a number of dimensions/);
    expect(() => createEmbedder('hash:0')).toThrow(/not a number of dimensions/);
    expect(() => createEmbedder('openai:text-embedding-3-small:x1', { env })).toThrow(/not a number of dimensions/);
    expect(() => createEmbedder('hash:256', { dimensions: 128 })).toThrow(/other dimensions/);
    expect(() => createEmbedder('gemini:gemini-embedding-001:768', { env, dimensions: 256 })).toThrow(/other dimensions/);
  });
});
