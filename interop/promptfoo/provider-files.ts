// The two modules `lunar export promptfoo` writes beside promptfooconfig.yaml. promptfoo imports
// them as plain ES modules; they load Lunar's TypeScript sources (interop/promptfoo/runtime.ts)
// with tsx, a dependency of Lunar, from the Lunar checkout they name: no build step, and always
// the code that checkout holds. LUNAR_ROOT in the environment overrides the folder written here.
//
// promptfoo resolves `file://x.mjs:fn` through a module's default export when it has one, so the
// assertion function lives in its own module (no default export), which shares the provider's
// loaded runtime by importing it.

export const PROVIDER_FILE = 'lunar-provider.mjs';
export const ASSERT_FILE = 'lunar-assert.mjs';

export function providerModule(lunarRoot: string): string {
  return `// Written by \`lunar export promptfoo\`: the Lunar agent as a promptfoo custom provider.
// Each test's \`case_id\` var names a case of the suite in this provider's config; the case runs on
// the config's target as \`lunar bench\` runs it, and the answer comes back with the Trace and
// Lunar's scores in the response metadata (metadata.lunar).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const LUNAR_ROOT = process.env.LUNAR_ROOT || ${JSON.stringify(lunarRoot)};

let loading;

/** Lunar's runtime (interop/promptfoo/runtime.ts), loaded once through Lunar's own tsx. */
export function lunarRuntime() {
  loading ??= (async () => {
    try {
      const require = createRequire(join(LUNAR_ROOT, 'package.json'));
      const tsxPackage = require.resolve('tsx/package.json');
      const { exports } = JSON.parse(await readFile(tsxPackage, 'utf8'));
      const { tsImport } = await import(new URL(exports['./esm/api'].import.default, pathToFileURL(tsxPackage)).href);
      return await tsImport(pathToFileURL(join(LUNAR_ROOT, 'interop', 'promptfoo', 'runtime.ts')).href, import.meta.url);
    } catch (error) {
      loading = undefined;
      throw new Error(\`cannot load Lunar from \${LUNAR_ROOT} (\${error.message}); set LUNAR_ROOT to a Lunar checkout with its dependencies installed, or export the suite again\`);
    }
  })();
  return loading;
}

export default class LunarProvider {
  constructor(options = {}) {
    this.config = options.config ?? {};
    this.providerId = options.id && !String(options.id).startsWith('file://') ? options.id : \`lunar:\${this.config.target ?? '?'}\${this.config.config ? \` [\${this.config.config}]\` : ''}\`;
    if (options.label) this.label = options.label;
  }

  id() {
    return this.providerId;
  }

  async callApi(prompt, context) {
    try {
      return await (await lunarRuntime()).callProvider(this.config, prompt, context);
    } catch (error) {
      return { error: error.message };
    }
  }
}
`;
}

export function assertModule(): string {
  return `// Written by \`lunar export promptfoo\`: runs a Lunar scorer (the assertion's config.scorer, with
// config.options) on the Trace the Lunar provider returned, and gives its verdict and reason.
import { lunarRuntime } from './${PROVIDER_FILE}';

export async function lunarScore(output, context) {
  return (await lunarRuntime()).gradeAssertion(output, context);
}
`;
}
