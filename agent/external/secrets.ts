// What an error about an external agent must never quote: the values of the environment variables
// its settings name (`Bearer ${MY_TOKEN}` → MY_TOKEN's value), since a server's error page or a
// command's stderr may echo them back.

const NAMED = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;

export function variableValues(templates: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const template of templates) for (const [, name] of template.matchAll(NAMED)) if (env[name!]) values.push(env[name!]!);
  return values;
}
