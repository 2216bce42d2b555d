// Progress for long runs: one redrawn line on a terminal, plain periodic lines otherwise (CI).

export interface Progress {
  tick(outcome: 'ok' | 'error', costUsd: number): void;
  /** Sets how many are finished (for work counted in batches, such as indexing). */
  update(finished: number): void;
  done(): void;
}

export interface ProgressLabels {
  /** What is counted, e.g. `documents` (default `attempts`). */
  unit?: string;
  /** Show the error count and the cost so far (default true; indexing shows neither). */
  cost?: boolean;
}

export function progress(total: number, stream: NodeJS.WriteStream = process.stderr, intervalMs = 5_000, labels: ProgressLabels = {}): Progress {
  const unit = labels.unit ?? 'attempts';
  const showCost = labels.cost ?? true;
  const started = performance.now();
  let finished = 0;
  let errors = 0;
  let cost = 0;
  // Plain lines come every interval from the start; the last one is not repeated by done().
  let lastPrinted = started;
  let printedAt = -1;
  const line = (): string => {
    const elapsed = (performance.now() - started) / 1000;
    const eta = finished ? (elapsed / finished) * (total - finished) : 0;
    const width = 24;
    const filled = Math.round((Math.min(finished, total) / Math.max(1, total)) * width);
    const bar = stream.isTTY ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const spent = showCost ? `, ${errors} errors, $${cost.toFixed(4)}` : '';
    return `${bar}${finished}/${total} ${unit}${spent}, ${elapsed.toFixed(1)}s elapsed, ETA ${eta.toFixed(0)}s`;
  };
  const show = () => {
    const now = performance.now();
    if (stream.isTTY) {
      if (now - lastPrinted > 100 || finished === total) {
        stream.write(`\r${line()}\u001b[K`);
        lastPrinted = now;
      }
    } else if (now - lastPrinted >= intervalMs) {
      stream.write(`${line()}\n`);
      lastPrinted = now;
      printedAt = finished;
    }
  };
  return {
    tick(outcome, costUsd) {
      finished++;
      if (outcome === 'error') errors++;
      cost += costUsd;
      show();
    },
    update(count) {
      finished = count;
      show();
    },
    done() {
      if (stream.isTTY) stream.write(`\r${line()}\u001b[K\n`);
      else if (printedAt !== finished) stream.write(`${line()}\n`);
    },
  };
}
