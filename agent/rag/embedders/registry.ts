// Embedder ids name a provider and a model, as chat targets do:
//
//   hash              hash:384, the offline default
//   hash:256          the hash embedder at 256 dimensions
//   ollama            ollama:nomic-embed-text
//   ollama:<model>    any Ollama embedding model; tags keep their colons (ollama:nomic-embed-text:v1.5)
//   openai[:<model>[:<dims>]]   default text-embedding-3-small; dims asks for reduced `dimensions`
//   gemini[:<model>[:<dims>]]   default gemini-embedding-001; dims asks for `outputDimensionality`
//
// An embedder's `id` is written in this form with every default filled in, so createEmbedder(e.id)
// rebuilds an embedder that gives the same vectors (what an index stores to check its queries).

import type { Embedder } from '../types.ts';
import type { EmbedderOptions } from './common.ts';
import { DEFAULT_GEMINI_EMBED_MODEL, GeminiEmbedder } from './gemini.ts';
import { DEFAULT_HASH_DIMENSIONS, HashEmbedder } from './hash.ts';
import { DEFAULT_OLLAMA_EMBED_MODEL, OllamaEmbedder } from './ollama.ts';
import { DEFAULT_OPENAI_EMBED_MODEL, OpenAiEmbedder } from './openai.ts';

export type { EmbedderOptions, EmbedUsage } from './common.ts';

export const DEFAULT_EMBEDDER = 'hash';

/** The forms createEmbedder understands, for help text and errors. */
export const KNOWN_EMBEDDERS: readonly string[] = [
  `hash[:<dimensions>] (default ${DEFAULT_HASH_DIMENSIONS})`,
  `ollama[:<model>] (default ${DEFAULT_OLLAMA_EMBED_MODEL})`,
  `openai[:<model>[:<dimensions>]] (default ${DEFAULT_OPENAI_EMBED_MODEL})`,
  `gemini[:<model>[:<dimensions>]] (default ${DEFAULT_GEMINI_EMBED_MODEL})`,
];

export class UnknownEmbedderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownEmbedderError';
  }
}

export function createEmbedder(id: string, options: EmbedderOptions = {}): Embedder {
  const trimmed = id.trim();
  const colon = trimmed.indexOf(':');
  const provider = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const rest = colon < 0 ? '' : trimmed.slice(colon + 1);
  switch (provider) {
    case 'hash': {
      const dimensions = rest === '' ? options.dimensions : dimensionsOf(id, rest);
      if (rest !== '' && options.dimensions !== undefined && options.dimensions !== dimensions) conflict(id, options.dimensions);
      return new HashEmbedder({ dimensions });
    }
    case 'ollama':
      return new OllamaEmbedder(rest || DEFAULT_OLLAMA_EMBED_MODEL, options);
    case 'openai': {
      const { model, dimensions } = modelAndDimensions(id, rest, DEFAULT_OPENAI_EMBED_MODEL, options.dimensions);
      return new OpenAiEmbedder(model, { ...options, dimensions });
    }
    case 'gemini': {
      const { model, dimensions } = modelAndDimensions(id, rest, DEFAULT_GEMINI_EMBED_MODEL, options.dimensions);
      return new GeminiEmbedder(model, { ...options, dimensions });
    }
    default:
      throw new UnknownEmbedderError(
        `unknown embedder "${id}": use one of ${KNOWN_EMBEDDERS.join(', ')} (e.g. hash, ollama:nomic-embed-text, openai:text-embedding-3-small)`,
      );
  }
}

/** `<model>` or `<model>:<dims>` (OpenAI and Gemini model names have no colons). */
function modelAndDimensions(id: string, rest: string, fallback: string, option: number | undefined): { model: string; dimensions?: number } {
  const colon = rest.lastIndexOf(':');
  if (colon < 0) return { model: rest || fallback, dimensions: option };
  const dimensions = dimensionsOf(id, rest.slice(colon + 1));
  if (option !== undefined && option !== dimensions) conflict(id, option);
  return { model: rest.slice(0, colon) || fallback, dimensions };
}

function dimensionsOf(id: string, text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < 1) {
    throw new UnknownEmbedderError(`embedder "${id}": "${text}" is not a number of dimensions (a positive integer)`);
  }
  return value;
}

function conflict(id: string, option: number): never {
  throw new UnknownEmbedderError(`embedder "${id}" names other dimensions than the dimensions option (${option})`);
}
