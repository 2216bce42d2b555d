// `lunar data list` and `lunar data pull <set...>`: the reference data sets the tests and suites
// read (README, "Reference data"). They are found in ../shared/data beside the checkout, else in
// <home>/data, where `pull` writes the upstream files of a set, checked against the manifest.

import type { Command } from 'commander';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import { REFERENCE_SET_NAMES, REFERENCE_SETS, type ReferenceSetName } from '../datasets/reference/manifest.ts';
import { howToGet, locateReferenceSet, missingFiles, referenceSetNamed, SHARED_DATA_ROOT, shownPath, type DataRoots } from '../datasets/reference/locate.ts';
import { DEFAULT_DATA_URL, pullReferenceSet } from '../datasets/reference/pull.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';

export interface DataCommandOptions {
  output?: CommandOutput;
  env?: NodeJS.ProcessEnv;
  /** The shared copy's folder (default ../shared/data beside the checkout); tests point it elsewhere. */
  sharedRoot?: string;
}

export function registerDataCommands(program: Command, home: () => string, options: DataCommandOptions = {}): void {
  const output = options.output ?? PROCESS_OUTPUT;
  const env = options.env ?? process.env;
  const say = (line: string) => output.stdout(`${line}\n`);
  const roots = (): DataRoots => ({ shared: options.sharedRoot ?? SHARED_DATA_ROOT, home: join(home(), 'data') });
  const data = program.command('data').description('The reference data sets the tests and suites read: ../shared/data beside the checkout, else <home>/data.');

  data
    .command('list')
    .description('Each reference data set: where it is (shared, home or missing), how many of its files are there, and how to get the rest.')
    .action(() => {
      for (const name of REFERENCE_SET_NAMES) say(listLine(name, roots()));
    });

  data
    .command('pull')
    .description(
      "Fetch a set's upstream files from its source repository at the pinned commit into <home>/data/<set>/ ($LUNAR_HOME or .lunar), each checked against its sha256; nothing is written unless every file checks. Files the project derived (filtered, converted, computed) are not upstream: they are named, not pulled.",
    )
    .argument('<set...>', `the sets: ${REFERENCE_SET_NAMES.join(', ')}`)
    .option('--from <url>', `where the repositories are served, laid out as raw.githubusercontent.com: <url>/<owner>/<repo>/<commit>/<path> (default $LUNAR_DATA_URL, else ${DEFAULT_DATA_URL})`)
    .action(async (names: string[], flags: { from?: string }) => {
      const sets = names.map((given) => {
        const name = referenceSetNamed(given);
        if (!name) throw new InputError(`no reference data set "${given}" (sets: ${REFERENCE_SET_NAMES.join(', ')})`);
        return name;
      });
      const baseUrl = flags.from ?? env.LUNAR_DATA_URL ?? DEFAULT_DATA_URL;
      for (const name of new Set(sets)) await pull(name, baseUrl, roots(), say);
    });
}

async function pull(name: ReferenceSetName, baseUrl: string, roots: DataRoots, say: (line: string) => void): Promise<void> {
  const result = await pullReferenceSet(name, { baseUrl, dataRoot: roots.home, log: say });
  const mb = (result.bytes / 1e6).toFixed(1);
  say(`${name}: ${result.fetched} fetched (${mb} MB), ${result.kept} already there, every sha256 as the manifest says, in ${shownPath(result.dir)}`);
  if (result.derived.length) {
    say(`${name}: ${result.derived.length} file(s) not pulled: derived by the project, not in ${REFERENCE_SETS[name].source.repo}; they come only with ../shared/data:`);
    for (const file of result.derived) say(`  ${file.path}: ${file.derived}`);
  }
  const used = locateReferenceSet(name, roots);
  if (used.where === 'shared') say(`${name}: ${shownPath(used.path)} is here too, and is what suites and tests read`);
}

/** `bfcl  home  7/8 files  .lunar/data/bfcl; checker_verdicts_dev.jsonl is derived ...` */
function listLine(name: ReferenceSetName, roots: DataRoots): string {
  const set = locateReferenceSet(name, roots);
  const total = REFERENCE_SETS[name].files.length;
  const missing = missingFiles(set);
  const count = `${total - missing.length}/${total} files`;
  const where = set.where === 'missing' ? 'not here' : shownPath(set.path);
  const rest = missing.length ? `; to get the rest: ${howToGet(name, missing)}` : '';
  return `${name.padEnd(10)} ${set.where.padEnd(8)} ${count.padEnd(12)} ${where}${rest}`;
}
