// A suite's `targets:`: target ids, and blocks that define external agents ({ id: my-agent,
// http: {...} }, agent/external/config.ts). The suite keeps the ids in order and, apart, every
// external agent it defines or names by id (`http:FILE`, `module:PATH#export`, `exec:COMMAND`)
// with its paths resolved against the suite's folder, as every path in a suite is.

import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import { capabilitiesOf } from '../agent/providers/capabilities.ts';
import { PROVIDERS } from '../agent/providers/registry.ts';
import { blockTarget, ExternalTargetError, idTarget, TargetEntry, type ExternalKind, type ExternalTarget } from '../agent/external/config.ts';

export const SuiteTargets = z
  .array(TargetEntry)
  .min(1)
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      const id = typeof entry === 'string' ? entry : entry.id;
      if (typeof entry !== 'string' && id in PROVIDERS) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `"${id}" is a provider's name: give the agent another id` });
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i], message: `target "${id}" is listed twice` });
      seen.add(id);
    });
  });

/** The ids, and the external agents by id (none: the key is left out). */
export function externalTargetsOf(entries: z.infer<typeof SuiteTargets> | undefined, here: string, file: string): { targets?: string[]; externalTargets?: Map<string, ExternalTarget> } {
  if (!entries) return {};
  const external = new Map<string, ExternalTarget>();
  const targets = entries.map((entry, i) => {
    try {
      if (typeof entry !== 'string') {
        external.set(entry.id, blockTarget(entry, here, `${file}: targets[${i}]`));
        return entry.id;
      }
      const colon = entry.indexOf(':');
      const kind = colon < 0 ? '' : entry.slice(0, colon);
      if (colon > 0 && capabilitiesOf(kind).externalAgent) external.set(entry, idTarget(kind as ExternalKind, entry.slice(colon + 1), here, `${file}: targets[${i}]`));
      return entry;
    } catch (error) {
      if (error instanceof ExternalTargetError) throw new InputError(`${file}: targets[${i}]: ${error.message}`);
      throw error;
    }
  });
  return { targets, ...(external.size ? { externalTargets: external } : {}) };
}
