// The provider SDKs, each loaded the first time it is used. Importing all four up front costs
// about 0.45 s of every `lunar` start, most of it for SDKs the run never calls. Their CommonJS
// builds load synchronously through require, so call sites stay synchronous; types come from
// `import type`, which costs nothing at run time.

import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const sdk = {
  get openai(): typeof import('openai') {
    return load('openai');
  },
  get genai(): typeof import('@google/genai') {
    return load('@google/genai');
  },
  get groq(): typeof import('groq-sdk') {
    return load('groq-sdk');
  },
  get ollama(): typeof import('ollama') {
    return load('ollama');
  },
};
