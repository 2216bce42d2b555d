// A tool is a name, a description, a zod schema for its arguments and a function. The registry
// turns the schema into JSON Schema for the providers and validates every call against it.

import { z } from 'zod';
import type { JsonSchema, ToolSpec } from '../providers/types.ts';
import type { RetrievedChunk } from '../trace.ts';

export interface ToolContext {
  /** Files tools may read are confined to this directory (see workspace.ts). */
  workspaceRoot: string;
  signal: AbortSignal;
  now: () => Date;
}

/** What a retrieval tool hands back besides its text: the chunks it found, for the Trace. */
export interface ToolOutput {
  content: string;
  retrieved?: RetrievedChunk[];
  /** Dollars the tool itself spent (a query embedding through a paid API), added to the run's cost. */
  costUsd?: number;
}

export interface Tool<Args = any, Output extends string | ToolOutput = string | ToolOutput> {
  name: string;
  description: string;
  schema: z.ZodType<Args>;
  /** The JSON Schema the model sees, when the tool is declared by one (declared.ts) rather than derived from `schema`. */
  parameters?: JsonSchema;
  /** Returns the text the model sees. Throwing is fine: the loop records it as an error result. */
  run(args: Args, context: ToolContext): Promise<Output> | Output;
}

/** Typed helper so each tool file infers its argument type from its schema. */
export function defineTool<S extends z.ZodType, Output extends string | ToolOutput = string>(tool: {
  name: string;
  description: string;
  schema: S;
  run(args: z.infer<S>, context: ToolContext): Promise<Output> | Output;
}): Tool<z.infer<S>, Output> {
  return tool as unknown as Tool<z.infer<S>, Output>;
}

export type Validated = { ok: true; args: unknown } | { ok: false; error: string };

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  /** JSON Schema conversion is slow next to a model call on a local target: do it once. */
  private cachedSpecs?: ToolSpec[];

  constructor(tools: Tool[] = []) {
    for (const tool of tools) this.register(tool);
  }

  register(tool: Tool): this {
    if (this.tools.has(tool.name)) throw new Error(`tool "${tool.name}" is registered twice`);
    this.tools.set(tool.name, tool);
    this.cachedSpecs = undefined;
    return this;
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** Only the named tools, in the given order; unknown names are an error naming them. */
  pick(names: readonly string[]): ToolRegistry {
    const unknown = names.filter((n) => !this.tools.has(n));
    if (unknown.length) throw new Error(`unknown tool(s): ${unknown.join(', ')}; known: ${this.names().join(', ')}`);
    return new ToolRegistry(names.map((n) => this.tools.get(n)!));
  }

  specs(): ToolSpec[] {
    this.cachedSpecs ??= [...this.tools.values()].map(toolSpec);
    return this.cachedSpecs;
  }

  /** Validates arguments; the error text is written for the model to repair its call. */
  validate(name: string, args: unknown): Validated {
    const tool = this.tools.get(name);
    if (!tool) return { ok: false, error: `unknown tool "${name}". Available tools: ${this.names().join(', ')}` };
    const parsed = tool.schema.safeParse(args);
    if (parsed.success) return { ok: true, args: parsed.data };
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`);
    return { ok: false, error: `invalid arguments for ${name}: ${problems.join('; ')}` };
  }
}

export function toolSpec(tool: Tool): ToolSpec {
  if (tool.parameters) return { name: tool.name, description: tool.description, parameters: tool.parameters };
  const schema = z.toJSONSchema(tool.schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: tool.name, description: tool.description, parameters: dropSafeIntegerBounds(schema) };
}

// zod writes ±(2^53-1) bounds on every int; they say nothing and some providers reject them.
export function dropSafeIntegerBounds<T>(node: T): T {
  if (Array.isArray(node)) return node.map(dropSafeIntegerBounds) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    out[key] = dropSafeIntegerBounds(value);
  }
  return out as T;
}
