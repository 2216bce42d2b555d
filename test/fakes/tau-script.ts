// One fake OpenAI model playing both sides of τ-bench episodes (perf/tau-replay-turns.ts decides
// each turn from the request): the user states its instruction, then says ###STOP###; the agent
// makes the task's ground-truth calls one per reply, then replies once. With `wrongFor`, the
// agent's last write on those tasks names another payment.

import { tauReplay } from '../../perf/tau-replay-turns.ts';
import type { FakeTurn } from './http-fake.ts';

export function tauFakeScript(dataDir: string, domain: 'retail' | 'airline', split: string, options: { wrongFor?: number[] } = {}): (body: any) => FakeTurn {
  const replay = tauReplay(dataDir, domain, split, options);
  return (body) => replay.turn(body).turn;
}
