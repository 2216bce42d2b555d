// Packages only some commands or targets need, each loaded the first time it is used: importing
// the provider SDKs up front cost about 0.45 s of every `lunar` start, the channel, server and
// schema packages another 0.2 s and 20 MB, `--version` included, most of it for packages the run
// never calls. Their CommonJS builds load synchronously through require,
// so call sites stay synchronous; types come from `import type`, which costs nothing at run time.
// Every value import of these packages goes through here, so there is one copy of each (an
// `instanceof GrammyError` sees the class the channel threw).

import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const packages = {
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
  get ajv(): typeof import('ajv') {
    return load('ajv');
  },
  get losslessJson(): typeof import('lossless-json') {
    return load('lossless-json');
  },
  get grammy(): typeof import('grammy') {
    return load('grammy');
  },
  get fastify(): typeof import('fastify') {
    return load('fastify');
  },
};
