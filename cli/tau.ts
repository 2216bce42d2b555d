// `lunar tau check`: τ-bench's environments as an independent check, like `lunar bfcl-check`.
// Without --trajectories it replays each task's ground-truth actions on fresh data and prints one
// line per task in τ-bench's golden format ({"task_index", "observations", "final_state_diff"},
// plus "state_hash" with --hash); with --trajectories (τ-bench's historical-trajectory format) it
// re-scores each trajectory and prints {"task_id", "trial", "ended", "reward"}. Lines are Python
// json.dumps text, so a golden file compares with `diff`.

import { Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { formatReplayLine, parseTasks, readTrajectoryFile, replayTasks, rescoreTrajectories, TAU_DOMAINS, tauDataDir, type TauDomainName } from '../agent/environments/tau/index.ts';


interface TauCheckFlags {
  domain: TauDomainName;
  tasks: string;
  trajectories?: string;
  data?: string;
  hash: boolean;
}

export function registerTauCommands(program: Command, io: Pick<CommandOutput, 'stdout'> = PROCESS_OUTPUT): void {
  const tau = program.command('tau').description("τ-bench's airline and retail environments, checked against τ-bench's own recordings.");
  tau
    .command('check')
    .description("Replay each task's ground-truth actions (one JSON line per task, in τ-bench's golden format), or re-score τ-bench trajectories with --trajectories.")
    .addOption(new Option('--domain <name>', 'the environment').choices([...TAU_DOMAINS]).makeOptionMandatory())
    .requiredOption('--tasks <file>', "the domain's task file (tasks.test.json, tasks.dev.json, ...): a JSON array of {user_id, actions, instruction, outputs}")
    .option('--trajectories <file>', "τ-bench's historical trajectories ({task_id, trial, reward, info, traj}[]): re-score each instead of replaying")
    .option('--data <dir>', 'the folder holding airline/ and retail/ (default: the tau_bench reference data, ../shared/data/tau_bench or lunar data pull tau-bench)')
    .option('--hash', "also print τ-bench's state_hash of each replay's final state", false)
    .action((flags: TauCheckFlags) => {
      const dataDir = flags.data ? resolve(flags.data) : tauDataDir();
      if (!existsSync(join(dataDir, flags.domain))) {
        throw new InputError(`--data: ${join(dataDir, flags.domain)} is not here; point --data at the folder holding τ-bench's airline/ and retail/`);
      }
      const tasks = parseTasks(readInput(flags.tasks, 'task'), flags.tasks);
      if (flags.trajectories) {
        const results = rescoreTrajectories(flags.domain, readTrajectoryFile(flags.trajectories), dataDir, { tasks });
        io.stdout(results.map((r) => `{"task_id": ${r.task_id}, "trial": ${r.trial}, "ended": ${r.ended}, "reward": ${r.reward}.0}\n`).join(''));
        return;
      }
      io.stdout(replayTasks(flags.domain, tasks, dataDir, { hash: flags.hash }).map((r) => `${formatReplayLine(r)}\n`).join(''));
    });
}

function readInput(path: string, kind: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read the ${kind} file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
