// The name a model sees for an MCP tool. By default it is `<server>__<tool>`: stable (it does not
// depend on which other servers a suite lists), unique across servers, and it says in the Trace
// which server a call went to. A server listed with `prefix: false` offers its tools by their own
// names (for a dataset whose expected calls use them); a clash is then refused, not renamed.
//
// Providers take ^[a-zA-Z0-9_-]{1,64}$ (OpenAI's rule, the strictest), while MCP allows dots,
// slashes and longer names: other characters become `_`, and a name still too long keeps its
// first 55 characters and a hash of the whole, so two long names cannot collapse into one.

import { createHash } from 'node:crypto';

export const PROVIDER_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_LENGTH = 64;
export const PREFIX_SEPARATOR = '__';

export function exposedToolName(server: string, tool: string, prefix: boolean): string {
  const wanted = prefix ? `${server}${PREFIX_SEPARATOR}${tool}` : tool;
  const safe = wanted.replace(/[^a-zA-Z0-9_-]/g, '_') || '_';
  if (safe.length <= MAX_LENGTH) return safe;
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 8);
  return `${safe.slice(0, MAX_LENGTH - hash.length - 1)}_${hash}`;
}
