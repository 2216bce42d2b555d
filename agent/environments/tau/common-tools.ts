// The three tools both domains share, with the same Python bodies.

import { z } from 'zod';
import { calculate as pyCalculate } from '../python/calculator.ts';
import type { TauToolImpl } from './tool.ts';

export const calculate: TauToolImpl = {
  name: 'calculate',
  pyClass: 'Calculate',
  params: ['expression'],
  args: z.object({ expression: z.string() }).strict(),
  writes: false,
  run: (_data, a) => pyCalculate(a.expression!),
};

export const think: TauToolImpl = {
  name: 'think',
  pyClass: 'Think',
  params: ['thought'],
  args: z.object({ thought: z.string() }).strict(),
  writes: false,
  run: () => '',
};

/** τ-bench's terminate tool: calling it ends the episode. */
export const transferToHumanAgents: TauToolImpl = {
  name: 'transfer_to_human_agents',
  pyClass: 'TransferToHumanAgents',
  params: ['summary'],
  args: z.object({ summary: z.string() }).strict(),
  writes: false,
  run: () => 'Transfer successful',
};
