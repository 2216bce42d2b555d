// promptfoo's `file://` references, as `lunar import promptfoo` follows them: relative to the file
// that names them, with globs (`*`, `**`, `?`, `{a,b}`) expanded in sorted order, and read by
// extension (yaml, json, jsonl, csv, text). Node 20 has no fs.glob, so the walk is here.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../core/errors.ts';

export const FILE_PREFIX = 'file://';

export function isFileRef(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(FILE_PREFIX);
}

/** The path a reference names (without promptfoo's `:function` suffix), resolved against `here`. */
export function refPath(ref: string, here: string): string {
  const path = ref.startsWith(FILE_PREFIX) ? ref.slice(FILE_PREFIX.length) : ref;
  return isAbsolute(path) ? path : resolve(here, path);
}

const GLOB = /[*?{[]/;

/** The files a reference names: itself, or every file its glob matches (sorted); none: an InputError naming it. */
export function expandRef(ref: string, here: string, from: string): string[] {
  const path = refPath(ref, here);
  if (!GLOB.test(path)) return [path];
  const parts = path.split(sep);
  const fixed = parts.findIndex((p) => GLOB.test(p));
  const root = parts.slice(0, fixed).join(sep) || sep;
  const pattern = globRegExp(parts.slice(fixed).join('/'));
  const found = walk(root).filter((file) => pattern.test(relative(root, file).split(sep).join('/'))).sort();
  if (found.length === 0) throw new InputError(`${from}: ${ref}: no file matches`);
  return found;
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** A glob as a regular expression over '/'-separated relative paths. */
export function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, end).split(',').map((alt) => alt.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
        i = end;
      }
    } else out += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** A YAML, JSON or JSONL file's content (JSONL: a list, one value per line). */
export function readStructured(path: string, what: string): unknown {
  const text = readText(path, what);
  const ext = extname(path).toLowerCase();
  try {
    if (ext === '.jsonl') return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    return ext === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InputError(`${path}: ${what} is not valid ${ext.slice(1) || 'yaml'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

export const STRUCTURED = ['.yaml', '.yml', '.json', '.jsonl'];
/** Extensions promptfoo reads as code (run, not read): never followed here. */
export const CODE = ['.js', '.cjs', '.mjs', '.ts', '.py', '.rb', '.go', '.sh'];
