// Bundles the TypeScript sources into dist/lunar.mjs with esbuild (about a tenth of a second), so
// the CLI starts without a TypeScript loader. Packages stay external: they load from node_modules.
// Run on its own (npm run build, npm test), it also writes the declarations of `lunar/vitest`
// into dist/types with tsc, incrementally: a project type-checks against those under a plain tsc,
// where the sources' `.ts` imports would need allowImportingTsExtensions.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(ROOT, 'dist', 'lunar.mjs');

/** Writes each output through a temporary file and a rename, so a process starting meanwhile never loads half a bundle. */
export async function buildBundle() {
  const result = await build({
    entryPoints: [join(ROOT, 'cli', 'main.ts')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(dirname(BUNDLE), { recursive: true });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

export const TYPES_CONFIG = join(ROOT, 'interop', 'vitest', 'tsconfig.types.json');
export const VITEST_TYPES = join(ROOT, 'dist', 'types', 'interop', 'vitest', 'index.d.ts');

/** dist/types/: the declarations of lunar/vitest and what they import. False when TypeScript is not installed. */
export function buildTypes() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    process.stderr.write('build: typescript is not installed: the lunar/vitest declarations (dist/types) were not written\n');
    return false;
  }
  execFileSync(process.execPath, [tsc, '-p', TYPES_CONFIG], { stdio: 'inherit' });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildBundle();
  buildTypes();
}
