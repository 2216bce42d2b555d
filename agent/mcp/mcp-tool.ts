// An MCP server's tool as a Lunar Tool: the model sees the server's own JSON Schema (declared, as
// declared.ts does for BFCL functions), arguments are checked against it here first (ajv), so a
// bad call is an `invalid_arguments` error the model can repair, as for a built-in tool, and the
// call goes to the server with the run's signal. A result the server marks as an error, or a
// server that cannot answer, is thrown: the tool loop records it as the call's error.

import type { Ajv, ValidateFunction } from 'ajv';
import { z } from 'zod';
import type { JsonSchema } from '../providers/types.ts';
import { dropSafeIntegerBounds, type Tool } from '../tools/tool.ts';
import type { McpConnection, McpToolInfo } from './connection.ts';
import { resultText } from './content.ts';
import { packages } from '../../core/packages.ts';

// Not strict: servers write schemas in any draft; a keyword ajv does not know is left to the
// server, which validates again. Formats are not checked (no format validators are installed).
let compiler: Ajv | undefined;
/** One ajv for every MCP tool, made on first use. */
function ajv(): Ajv {
  compiler ??= new packages.ajv.Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  return compiler;
}

export function mcpTool(connection: McpConnection, info: McpToolInfo, name: string): Tool<Record<string, unknown>, string> {
  const parameters = providerSchema(info.inputSchema as JsonSchema);
  const validate = compile(parameters);
  return {
    name,
    description: info.description ?? info.title ?? `${info.name}, from MCP server ${connection.name}`,
    schema: z.record(z.string(), z.unknown()).superRefine((args, ctx) => {
      if (!validate || validate(args)) return;
      for (const error of validate.errors ?? []) {
        const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
        ctx.addIssue({ code: 'custom', path, message: error.message ?? error.keyword });
      }
    }),
    parameters,
    async run(args, { signal }) {
      const result = await connection.call(info.name, args, signal);
      const text = resultText(result);
      if (result.isError) throw new Error(text || `${info.name} reported an error and gave no message`);
      return text;
    },
  };
}

/**
 * The schema as providers take it: no `$schema` (some refuse it), always an object with
 * properties, and without the ±(2^53-1) bounds zod-built servers put on every integer (tool.ts
 * drops them from Lunar's own schemas for the same reason: they say nothing and some providers
 * reject them).
 */
function providerSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _, ...rest } = dropSafeIntegerBounds(schema);
  return { ...rest, type: 'object', properties: (rest.properties as JsonSchema | undefined) ?? {} };
}

/** A schema ajv cannot compile is left to the server to enforce. */
function compile(schema: JsonSchema): ValidateFunction | undefined {
  try {
    return ajv().compile(schema);
  } catch {
    return undefined;
  }
}
