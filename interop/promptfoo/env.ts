// The environment promptfoo (the optional peer, interop/peers.ts) runs in whenever Lunar starts
// it: `npm run perf` and the promptfoo bridge's tests. It writes nowhere but the folder given and
// reaches no network of its own accord.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * promptfoo's environment: HOME and its config dir (its results database, logs and cache) in
 * `home`; telemetry, update checks, sharing and remote generation off; CI=1, so nothing waits on a
 * terminal.
 */
export function promptfooEnv(home: string, cache: boolean): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return {
    ...baseEnv(),
    HOME: home,
    USERPROFILE: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    PROMPTFOO_CONFIG_DIR: join(home, '.promptfoo'),
    PROMPTFOO_CACHE_PATH: join(home, '.promptfoo', 'cache'),
    PROMPTFOO_DISABLE_TELEMETRY: '1',
    PROMPTFOO_DISABLE_UPDATE: '1',
    PROMPTFOO_DISABLE_SHARING: '1',
    PROMPTFOO_DISABLE_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: '1',
    PROMPTFOO_DISABLE_ERROR_LOG: '1',
    PROMPTFOO_CACHE_ENABLED: cache ? 'true' : 'false',
    OPENAI_API_KEY: 'sk-fake-loopback',
    NO_COLOR: '1',
    CI: '1',
  };
}

/** The environment child tools start from: no provider keys or addresses of the caller's. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OPENAI|ANTHROPIC|GEMINI|GOOGLE|GROQ|OLLAMA|PROMPTFOO|LUNAR)_/.test(key) || /^NODE_OPTIONS$/.test(key)) continue;
    env[key] = value;
  }
  return env;
}
