// The exit code a command asks for. A command's action cannot return a value through commander,
// so it records its code on the program it was registered on, and main() returns what the
// program recorded: no command reads or writes process.exitCode.
//   0 done (and every gate held), 1 a gate or a run failed or an attempt errored,
//   2 bad input or configuration, 130 interrupted (Ctrl-C).

import type { Command } from 'commander';

const codes = new WeakMap<Command, number>();

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

/** Records the exit code the command asks for on its program. */
export function setExitCode(command: Command, code: number): void {
  codes.set(rootOf(command), code);
}

/** What the program's command asked for; 0 when it asked for nothing. */
export function exitCodeOf(program: Command): number {
  return codes.get(rootOf(program)) ?? 0;
}
