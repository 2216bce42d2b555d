// Runs once per `vitest run`, before any test file: makes the folder where skip lines are claimed
// (test/skip-notice.ts), and removes it when the run ends.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'lunar-skip-notices-'));
  project.provide('skipNotices', folder);
  return () => rmSync(folder, { recursive: true, force: true });
}
