// Keys never reach training data: every string of an example goes through the providers'
// redaction (agent/providers/errors.ts: bearer tokens, credentials in URLs, key= and token=
// parameters) with the values of the environment's secret-looking variables, and the written
// text is checked once more for those values.

import { redact } from '../../agent/providers/errors.ts';

/** The values of variables named like a key, token, secret or password (8 characters or more). */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => /KEY|TOKEN|SECRET|PASSWORD|PASSWD/i.test(name) && typeof value === 'string' && value.length >= 8)
    .map(([, value]) => value!);
}

/** The value with every string redacted, and whether anything changed. */
export function redactDeep<T>(value: T, secrets: readonly string[]): { value: T; changed: boolean } {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const out = redact(v, secrets);
      if (out !== v) changed = true;
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    return v;
  };
  return { value: walk(value) as T, changed };
}

/** Throws when the text holds a secret value: nothing that does is written. */
export function assertNoSecrets(text: string, secrets: readonly string[], where: string): void {
  // JSON escapes some characters, so each value is looked for as written and as JSON would write it.
  const found = secrets.find((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
  if (found !== undefined) throw new Error(`${where}: an environment secret would be written; nothing was written`);
}
