// Calls to tools nothing provides, counted over a run: a suite that offers the wrong tools (or a
// model that keeps inventing one) shows as a low pass rate and nothing else, so `lunar bench`
// names them after its table.

import type { Trace } from '../trace.ts';

export class UnknownToolCalls {
  private attempts = 0;
  private calling = 0;
  /** Tool name → attempts that called it. */
  private readonly byName = new Map<string, number>();

  /** Counts one attempt's trace. */
  add(trace: Pick<Trace, 'toolCalls'>): void {
    this.attempts++;
    const names = new Set(trace.toolCalls.filter((c) => c.errorKind === 'unknown_tool').map((c) => c.name));
    if (names.size === 0) return;
    this.calling++;
    for (const name of names) this.byName.set(name, (this.byName.get(name) ?? 0) + 1);
  }

  /** `3 of 40 attempts called tools nothing provides: foo (2), bar (1)`, most called first; undefined when none did. */
  note(): string | undefined {
    if (this.calling === 0) return undefined;
    const names = [...this.byName].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const shown = names.slice(0, 10).map(([name, n]) => `${name} (${n})`);
    if (names.length > 10) shown.push(`${names.length - 10} more`);
    return `${this.calling} of ${this.attempts} ${this.attempts === 1 ? 'attempt' : 'attempts'} called tools nothing provides: ${shown.join(', ')}. Offer them (tools:, mcp: in the suite) or check the system prompt.`;
  }
}
