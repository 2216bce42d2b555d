import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.lunar/**'],
    testTimeout: 20_000,
    pool: 'forks',
    // Makes the folder where each skip line is claimed, so it is printed once per run (test/skip-notice.ts).
    globalSetup: ['test/global-setup.ts'],
    // In CI a JSON report as well, from which .ci/run prints its closing "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.lunar/test-results.json' },
  },
});
