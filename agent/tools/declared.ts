// Tools known only by their declaration (a name, a description, a JSON Schema), as a benchmark
// such as BFCL offers them: the model's call is what is measured, so any arguments are taken as
// given (the matcher judges them, not the tool) and the result says nothing was run.

import { z } from 'zod';
import type { ToolSpec } from '../providers/types.ts';
import { ToolRegistry, type Tool } from './tool.ts';

export const DECLARED_TOOL_RESULT = 'The call was recorded; this function is declared only and does not run.';

export function declaredTool(spec: ToolSpec): Tool<Record<string, unknown>, string> {
  return {
    name: spec.name,
    description: spec.description,
    schema: z.record(z.string(), z.unknown()),
    parameters: spec.parameters,
    run: () => DECLARED_TOOL_RESULT,
  };
}

/** A registry of declared tools; a name declared twice keeps its first declaration. */
export function declaredRegistry(specs: readonly ToolSpec[]): ToolRegistry {
  const registry = new ToolRegistry();
  for (const spec of specs) if (!registry.get(spec.name)) registry.register(declaredTool(spec));
  return registry;
}
