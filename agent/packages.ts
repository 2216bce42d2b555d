// Packages only some commands need, each loaded the first time it is used (as the provider SDKs
// are, agent/providers/sdk.ts): importing them all up front added about 0.2 s and 20 MB to every
// `lunar` start, `--version` included. Their CommonJS builds load synchronously through require,
// so call sites stay synchronous; types come from `import type`, which costs nothing at run time.
// Every value import of these packages goes through here, so there is one copy of each (an
// `instanceof GrammyError` sees the class the channel threw).

import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const packages = {
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
