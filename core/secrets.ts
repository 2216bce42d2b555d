// The secrets Lunar knows, and the one scrubber that keeps them out of what it writes. A model can
// echo a key it was shown (or guessed from a prompt), a server can put one in an error body: so the
// writers (the results store, the model-call cache) pass every value through here, model answers
// included. Known: each provider key and token Lunar reads from the environment (and any other
// *_API_KEY), plus values registered while running (a bot token given another way, the header
// values of an http target). Values shorter than 8 characters are not scrubbed: they would
// match ordinary text.

/** Environment variables Lunar reads that hold a secret; any other `*_API_KEY` counts too. */
export const SECRET_ENV_NAMES = [
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GROQ_API_KEY',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'LUNAR_SERVER_TOKEN',
] as const;

const MIN_LENGTH = 8;
const registered = new Map<string, string>();
/** The process environment's secrets, read once: reading process.env costs a call into Node per variable. */
let processSecrets: Map<string, string> | undefined;
/** What knownSecrets() returns for process.env, until a secret is registered. */
let known: [string, string][] | undefined;

/**
 * Adds a value to the secrets scrubbed from everything Lunar writes from now on in this process
 * (e.g. an http target's header values). `name` is what the value is replaced by: `[redacted:name]`.
 */
export function registerSecret(value: string | undefined, name = 'secret'): void {
  const trimmed = value?.trim();
  if (!trimmed || trimmed.length < MIN_LENGTH) return;
  registered.set(trimmed, name);
  known = undefined;
}

/** The secrets known now: value → name, longest first (so a key containing another is replaced whole). */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env): [string, string][] {
  if (env !== process.env) return sorted(new Map([...registered, ...secretsIn(env)]));
  processSecrets ??= secretsIn(env);
  return (known ??= sorted(new Map([...registered, ...processSecrets])));
}

function secretsIn(env: NodeJS.ProcessEnv): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!(SECRET_ENV_NAMES as readonly string[]).includes(name) && !name.endsWith('_API_KEY')) continue;
    const trimmed = value?.trim();
    if (trimmed && trimmed.length >= MIN_LENGTH) found.set(trimmed, name);
  }
  return found;
}

function sorted(secrets: Map<string, string>): [string, string][] {
  return [...secrets].sort((a, b) => b[0].length - a[0].length);
}

/** A scrubber over the secrets known now, or undefined when none is: text in, each secret replaced by `[redacted:NAME]`. */
export function secretScrubber(env: NodeJS.ProcessEnv = process.env): ((text: string) => string) | undefined {
  const secrets = knownSecrets(env);
  if (secrets.length === 0) return undefined;
  return (text) => {
    let out = text;
    for (const [value, name] of secrets) if (out.includes(value)) out = out.split(value).join(`[redacted:${name}]`);
    return out;
  };
}

/** `text` without any known secret. */
export function scrubSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return secretScrubber(env)?.(text) ?? text;
}

/**
 * JSON text without any known secret, in string values and keys alike: each secret is looked for
 * as it is and as JSON escapes it. For what a writer has already serialised (a trace, a cached
 * answer), which is cheaper than walking the value.
 */
export function scrubJson(json: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = json;
  for (const [value, name] of knownSecrets(env)) {
    const escaped = JSON.stringify(value).slice(1, -1);
    for (const form of escaped === value ? [value] : [value, escaped]) if (out.includes(form)) out = out.split(form).join(`[redacted:${name}]`);
  }
  return out;
}

/**
 * `value` with every string in it (object keys included) scrubbed; the same object back when
 * nothing was found, so the common case copies nothing.
 */
export function scrubDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  const scrub = secretScrubber(env);
  return scrub ? (walk(value, scrub) as T) : value;
}

function walk(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const next = walk(item, scrub);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const k = scrub(key);
      const next = walk(item, scrub);
      if (next !== item || k !== key) changed = true;
      out[k] = next;
    }
    return changed ? out : value;
  }
  return value;
}
