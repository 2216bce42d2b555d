// A lane's figures as the progress line shows them: lanes never used stay off the line.

import { describe, expect, it } from 'vitest';
import { formatLaneStats } from './lane.ts';
import { Scheduler } from './scheduler.ts';
import { ManualClock } from './test-fixtures.ts';

describe('formatLaneStats', () => {
  it('shows lanes in use only', async () => {
    const scheduler = new Scheduler({ clock: new ManualClock() });
    await scheduler.run('ollama', 0, async () => 'x');
    expect(formatLaneStats(scheduler.stats())).toBe('ollama 0/2');
    expect(formatLaneStats(new Scheduler().stats())).toBe('');
  });
});
