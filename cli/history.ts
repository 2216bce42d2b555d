// `lunar history`: quality over time. Every stored run, oldest first, per suite × configuration ×
// target: pass rate with its 95% interval, scorer means, cost, p95 latency, the run's git commit
// and date, and whether `lunar gate` failed it (reports/history.ts). --json gives the rows.

import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROCESS_OUTPUT, type CommandOutput } from './output.ts';
import { InputError } from '../core/errors.ts';
import { ResultsStore } from '../runners/store.ts';
import { formatHistory, historyChoices, historyOf } from '../reports/history.ts';

interface HistoryFlags {
  suite?: string;
  target?: string;
  home?: string;
  json: boolean;
}

export function registerHistoryCommand(program: Command, home: () => string, output: CommandOutput = PROCESS_OUTPUT): void {
  program
    .command('history')
    .description(
      'Quality over time: for each stored run (oldest first) and suite × configuration × target, the pass rate with its 95% interval, ' +
        "each scorer's mean, cost, p95 latency, the run's git commit and date, and whether lunar gate failed it.",
    )
    .option('-s, --suite <name>', 'only this suite')
    .option('-t, --target <id>', 'only this target')
    .option('--home <dir>', 'where results.db lives (default $LUNAR_HOME or .lunar)')
    .option('--json', 'print the rows as JSON', false)
    .action((flags: HistoryFlags) => {
      const file = join(flags.home ? resolve(flags.home) : home(), 'results.db');
      if (!existsSync(file)) throw new InputError(`${file}: no results store here; run lunar bench first, or point --home at one`);
      const store = new ResultsStore(file);
      try {
        const rows = historyOf(store, { suite: flags.suite, target: flags.target });
        // A misspelt name would otherwise print an empty history that looks like "no runs yet".
        if (rows.length === 0 && (flags.suite !== undefined || flags.target !== undefined)) {
          const { suites, targets } = historyChoices(historyOf(store));
          if (flags.suite !== undefined && !suites.includes(flags.suite)) throw new InputError(`--suite ${flags.suite}: no stored run has it (suites: ${suites.join(', ') || 'none'})`);
          if (flags.target !== undefined && !targets.includes(flags.target)) throw new InputError(`--target ${flags.target}: no stored run has it (targets: ${targets.join(', ') || 'none'})`);
        }
        output.stdout(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatHistory(rows)}\n`);
      } finally {
        store.close();
      }
    });
}
