// `lunar mcp`: Lunar as an MCP server over stdio, for Claude Desktop, Cursor, Claude Code or any
// MCP client. It offers:
// - search_knowledge over one knowledge index: a suite's `knowledge:` block (--suite), a markdown
//   folder indexed on start (--corpus), or an index `lunar index` built (--index; by default
//   <home>/index.db, the one `lunar search` reads). With none of them it is not offered.
// - memory_write, memory_search and memory_get over a memory folder (--memory, default
//   <home>/memory), the agent's own long-term memory tools;
// - run_suite: a suite run as `lunar bench` runs it, answered with its headline figures.
// Stdout carries the protocol and nothing else: logs go to stderr. The server ends when the
// client closes its stdin (or on SIGINT/SIGTERM), closing the index and memory first.

import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runSuiteTool } from '../agent/mcp/run-suite-tool.ts';
import { suiteRunner } from '../runners/run-suite.ts';
import { REPORTERS } from '../reports/reporters.ts';
import { loadMcpSdk } from '../agent/mcp/sdk.ts';
import { toolServer } from '../agent/mcp/serve-tools.ts';
import { MemoryStore } from '../agent/memory/store.ts';
import { memoryTools } from '../agent/memory/tools.ts';
import { createEmbedder, DEFAULT_EMBEDDER, UnknownEmbedderError } from '../agent/rag/embedders/registry.ts';
import { IndexModelMismatch, IndexStore } from '../agent/rag/index-store.ts';
import { SearchConfig } from '../agent/rag/search.ts';
import { searchKnowledgeTool, type Knowledge } from '../agent/tools/search_knowledge.ts';
import type { Tool } from '../agent/tools/tool.ts';
import { InputError } from '../core/errors.ts';
import { KnowledgeBases } from '../runners/knowledge.ts';
import { lunarVersion } from '../core/package.ts';
import { loadSuite } from '../runners/suite.ts';

interface McpFlags {
  home?: string;
  memory?: string;
  suite?: string;
  corpus?: string;
  index?: string;
  embedder?: string;
}

export function registerMcpCommand(program: Command, home: () => string, paths: { suitesFolder: () => string } = { suitesFolder: () => resolve('suites') }): void {
  program
    .command('mcp')
    .description('Serve Lunar over MCP (stdio): search_knowledge, memory_search, memory_write, memory_get and run_suite, for any MCP client.')
    .option('--home <dir>', 'where results.db, runs/ and indexes live (default $LUNAR_HOME or .lunar)')
    .option('--memory <dir>', 'the memory folder memory_* tools work on (default <home>/memory)')
    .option('--suite <name>', "search_knowledge over this suite's knowledge block (its first configuration that has one)")
    .option('--corpus <dir>', 'search_knowledge over this folder of markdown files, indexed (incrementally) when the server starts')
    .option('--index <file>', 'the index file: with --corpus, where it is kept (default one under <home>/indexes/); alone, an index lunar index built (default <home>/index.db)')
    .option('-e, --embedder <id>', `the embedder for --corpus (default ${DEFAULT_EMBEDDER}); an existing index uses its own`)
    .action(async (flags: McpFlags) => {
      const folder = flags.home ? resolve(flags.home) : home();
      await serveMcp({ ...flags, home: folder, suitesFolder: paths.suitesFolder() });
    });
}

export async function serveMcp(options: McpFlags & { home: string; suitesFolder: string }): Promise<void> {
  const log = (line: string) => process.stderr.write(`lunar mcp: ${line}\n`);
  // Whatever prints with console.log from here on (a dependency, a stray debug line) would corrupt
  // the protocol on stdout: it goes to stderr instead.
  const consoleLog = console.log;
  console.log = (...args: unknown[]) => console.error(...args);
  const bases = new KnowledgeBases(options.home, log);
  const closers: (() => unknown)[] = [() => bases.close()];
  try {
    const knowledge = await openKnowledge(options, bases, closers);
    const memory = new MemoryStore(resolve(options.memory ?? join(options.home, 'memory')));
    closers.push(() => memory.close());
    const tools: Tool[] = [
      ...(knowledge ? [searchKnowledgeTool(knowledge.knowledge) as Tool] : []),
      ...memoryTools(memory),
      runSuiteTool(suiteRunner({ home: options.home, suitesFolder: options.suitesFolder, cwd: process.cwd(), bench: { reporters: REPORTERS } })),
    ];
    log(knowledge ? `search_knowledge over ${knowledge.describe}` : 'search_knowledge not offered: no index (pass --suite, --corpus or --index, or build <home>/index.db with lunar index <dir>)');
    log(`memory in ${memory.root}; runs in ${options.home}`);
    const { StdioServerTransport } = await loadMcpSdk();
    const server = toolServer(tools, { name: 'lunar', version: lunarVersion(), workspaceRoot: process.cwd(), log });
    await server.connect(new StdioServerTransport());
    log(`serving ${tools.map((t) => t.name).join(', ')} on stdio`);
    await untilClosed();
    await server.close();
  } finally {
    for (const close of closers.reverse()) await close();
    console.log = consoleLog;
  }
}

/** Resolves when the client closes stdin, or on SIGINT/SIGTERM. */
function untilClosed(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.stdin.off('end', done).off('close', done);
      process.off('SIGINT', done).off('SIGTERM', done);
      resolve();
    };
    process.stdin.once('end', done).once('close', done);
    process.once('SIGINT', done).once('SIGTERM', done);
  });
}

async function openKnowledge(
  options: McpFlags & { home: string; suitesFolder: string },
  bases: KnowledgeBases,
  closers: (() => unknown)[],
): Promise<{ knowledge: Knowledge; describe: string } | undefined> {
  if (options.suite) {
    const named = join(options.suitesFolder, `${options.suite}.yaml`);
    const file = !options.suite.includes('/') && !/\.ya?ml$/.test(options.suite) && existsSync(named) ? named : resolve(options.suite);
    const suite = loadSuite(file);
    const variant = suite.variants.find((v) => v.knowledge);
    if (!variant?.knowledge) throw new InputError(`${file}: knowledge: suite ${suite.name} has no knowledge block; name a suite that has one (e.g. rag)`);
    return { knowledge: await bases.get(variant.knowledge), describe: `suite ${suite.name} (${variant.config}): ${variant.knowledge.corpus.path}` };
  }
  if (options.corpus) {
    const corpus = resolve(options.corpus);
    if (!existsSync(corpus)) throw new InputError(`--corpus: ${corpus} does not exist`);
    const settings = {
      corpus: { kind: 'folder' as const, path: corpus },
      embedder: options.embedder ?? DEFAULT_EMBEDDER,
      index: options.index && resolve(options.index),
      chunk: { maxTokens: 400, overlapTokens: 80 },
      search: SearchConfig.parse({}),
    };
    return { knowledge: await bases.get(settings), describe: `${corpus} (embedder ${settings.embedder})` };
  }
  const path = resolve(options.index ?? join(options.home, 'index.db'));
  if (!existsSync(path)) {
    if (options.index) throw new InputError(`--index: ${path}: no index here; build one with lunar index <dir> --index ${options.index}`);
    return undefined;
  }
  const { store, embedder } = openIndex(path, options.embedder);
  closers.push(() => store.close());
  return { knowledge: { store, embedder, search: SearchConfig.parse({}) }, describe: `${path} (embedder ${embedder.id})` };
}

/** An index as `lunar search` opens it: with the embedder it was built with unless one is named. */
function openIndex(path: string, asked: string | undefined): Pick<Knowledge, 'store' | 'embedder'> {
  try {
    const embedder = createEmbedder(asked ?? IndexStore.builtWith(path) ?? DEFAULT_EMBEDDER);
    return { store: new IndexStore(path, embedder.id), embedder };
  } catch (error) {
    if (error instanceof IndexModelMismatch || error instanceof UnknownEmbedderError) throw new InputError(error.message);
    throw error;
  }
}
