// One action against a database, as τ-bench's Env.step runs it.

import { deepCopy, type PyDict } from '../python/value.ts';
import type { TauDomainData } from './load.ts';
import { RESPOND_ACTION_NAME, type TauAction } from './task.ts';
import { runTool } from './tool.ts';

/**
 * Runs a tool action on `state` and returns the observation: the tool's string, null when the
 * tool returned None, "Unknown action <name>" for a name no tool has. The arguments are copied
 * first, so the database never shares objects with the caller's action (τ-bench's ground-truth
 * replays store the task's own lists in the database and can change them; this port does not).
 */
export function invokeAction(domain: TauDomainData, state: PyDict, action: TauAction): string | null {
  const tool = domain.toolsByName.get(action.name);
  if (!tool) return `Unknown action ${action.name}`;
  return runTool(domain.domain, tool, state, deepCopy(action.kwargs));
}

export const isRespond = (action: TauAction) => action.name === RESPOND_ACTION_NAME;
