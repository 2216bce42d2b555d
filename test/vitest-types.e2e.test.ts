// `lunar/vitest` in a user's project under a plain tsc: a scratch project with the strictest
// everyday tsconfig (module nodenext, strict, no allowImportingTsExtensions, no skipLibCheck)
// imports the package by name, through node_modules as an installed package would be, and
// type-checks against the declarations the build writes (dist/types).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: bin/build.js is plain JavaScript with no declarations.
import { buildTypes } from '../bin/build.js';

const root = resolve(import.meta.dirname, '..');

describe('lunar/vitest under a plain tsc', () => {
  it('type-checks a test file that uses runCase and the matchers, and types them: a wrong argument is an error', async () => {
    expect(buildTypes()).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'lunar-vitest-types-'));
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'lunar'), 'dir');
    symlinkSync(join(root, 'node_modules', 'vitest'), join(dir, 'node_modules', 'vitest'), 'dir');
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-agent', type: 'module', private: true }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true }, include: ['*.ts'] }));
    writeFileSync(
      join(dir, 'agent.test.ts'),
      [
        "import { expect, it } from 'vitest';",
        "import { closeSessions, runCase, type CaseResult } from 'lunar/vitest';",
        '',
        "it('reads the port', async () => {",
        "  const result: Promise<CaseResult> = runCase({ id: 'port', input: 'Which port?', category: 'file', expected_contains: '8080' }, 'baseline');",
        "  await expect(result).toPass('answer_contains');",
        "  await expect(result).toScoreAtLeast('answer_contains', 0.5);",
        '  await closeSessions();',
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'wrong.ts'), "import { expect } from 'vitest';\nimport { runCase } from 'lunar/vitest';\nawait expect(runCase('x', 'baseline')).toScoreAtLeast('answer_contains', 'high');\n");

    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    // The one error is the wrong argument: nothing in lunar's declarations, nothing in agent.test.ts.
    expect(checked.trim().split('\n')).toEqual([expect.stringMatching(/^wrong\.ts\(3,\d+\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'\.$/)]);
  }, 180_000);
});
