// Loading a τ-bench domain from its data directory: the database (parsed once per process and
// frozen; episodes get copy-on-write views of it), the policy (wiki.md), and the tools, whose names,
// descriptions and JSON Schemas come verbatim from tools.json and are checked against the ported
// implementations. Nothing here is copied into the repository: the caller names the directory.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { copyOnWrite, freezeDeep } from '../python/frozen.ts';
import { parsePyJson } from '../python/json.ts';
import type { PyDict } from '../python/value.ts';
import { AIRLINE_TABLES, AIRLINE_TOOLS } from './airline/tools.ts';
import { issueMessage, TauInputError } from './input-error.ts';
import { RETAIL_TABLES, RETAIL_TOOLS } from './retail/tools.ts';
import type { TauDomainName, TauToolImpl } from './tool.ts';

export interface TauTool extends TauToolImpl {
  description: string;
  /** The JSON Schema of the arguments, exactly as in tools.json. */
  parameters: Record<string, unknown>;
}

export interface TauDomainData {
  domain: TauDomainName;
  /** The folder holding the domain's files, <dataDir>/<domain>. */
  folder: string;
  tables: readonly string[];
  /** The database as loaded, frozen. Use freshState() for anything that may change it. */
  initial: PyDict;
  tools: readonly TauTool[];
  toolsByName: ReadonlyMap<string, TauTool>;
  /** wiki.md: τ-bench's agent gets it verbatim as its system prompt. */
  policy: string;
  /** Calling one of these ends the episode: transfer_to_human_agents in both domains. */
  terminateTools: readonly string[];
  /** The text of each frozen record for consistentHash, computed once. */
  hashCache: WeakMap<object, string>;
}

export const TAU_DOMAINS: readonly TauDomainName[] = ['airline', 'retail'];
export const TERMINATE_TOOLS: readonly string[] = ['transfer_to_human_agents'];

const ToolsFile = z.array(
  z.object({
    type: z.literal('function'),
    function: z.object({
      name: z.string(),
      description: z.string(),
      parameters: z.object({ properties: z.record(z.string(), z.unknown()), required: z.array(z.string()).optional() }).loose(),
    }),
  }),
);

const cache = new Map<string, TauDomainData>();

/** The domain's data, loaded on first use and kept for the life of the process. */
export function loadTauDomain(domain: TauDomainName, dataDir: string): TauDomainData {
  const folder = path.resolve(dataDir, domain);
  const key = `${domain}\u0000${folder}`;
  let data = cache.get(key);
  if (!data) {
    data = readDomain(domain, folder);
    cache.set(key, data);
  }
  return data;
}

/** A database of the domain's initial state for one episode: fresh as a deep copy, as cheap as a shallow one. */
export function freshState(data: TauDomainData): PyDict {
  return copyOnWrite(data.initial);
}

function readDomain(domain: TauDomainName, folder: string): TauDomainData {
  const tables = domain === 'airline' ? AIRLINE_TABLES : RETAIL_TABLES;
  const implementations = domain === 'airline' ? AIRLINE_TOOLS : RETAIL_TOOLS;
  const initial: PyDict = new Map();
  for (const table of tables) initial.set(table, parsePyJson(readFileSync(path.join(folder, `${table}.json`), 'utf8')));
  const tools = readTools(path.join(folder, 'tools.json'), implementations);
  return {
    domain,
    folder,
    tables,
    initial: freezeDeep(initial),
    tools,
    toolsByName: new Map(tools.map((t) => [t.name, t])),
    policy: readFileSync(path.join(folder, 'wiki.md'), 'utf8'),
    terminateTools: TERMINATE_TOOLS,
    hashCache: new WeakMap(),
  };
}

function readTools(file: string, implementations: readonly TauToolImpl[]): TauTool[] {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  const parsed = ToolsFile.safeParse(raw);
  if (!parsed.success) throw new TauInputError(issueMessage(file, parsed.error.issues));
  const declared = parsed.data.map((t) => t.function);
  // zod's output rebuilds objects; hand out the file's own JSON Schema, key order and all.
  const schemas = (raw as { function: { parameters: Record<string, unknown> } }[]).map((t) => t.function.parameters);
  const names = declared.map((t) => t.name).join(', ');
  const ported = implementations.map((t) => t.name).join(', ');
  if (names !== ported) throw new TauInputError(`${file}: tools are [${names}], the port has [${ported}]`);
  return declared.map((spec, i) => {
    const impl = implementations[i]!;
    const properties = Object.keys(spec.parameters.properties).join(', ');
    const required = (spec.parameters.required ?? []).join(', ');
    if (properties !== impl.params.join(', ') || required !== impl.params.join(', ')) {
      throw new TauInputError(`${file}: ${spec.name}: parameters [${properties}] (required [${required}]), the port takes [${impl.params.join(', ')}]`);
    }
    return { ...impl, description: spec.description, parameters: schemas[i]! };
  });
}
