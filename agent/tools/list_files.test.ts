import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LIST_ENTRIES, listFilesTool } from './list_files.ts';
import { ToolRegistry, type ToolContext } from './tool.ts';
import { WorkspaceError } from './workspace.ts';

// Layout: <base>/ws is the workspace; <base>/secret and <base>/outside/ lie beside it.
let base: string;
let root: string;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'lunar-list-files-'));
  root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  await fs.mkdir(path.join(root, 'sub', 'deeper'), { recursive: true });
  await fs.mkdir(path.join(root, '.git', 'objects'), { recursive: true });
  await fs.mkdir(path.join(root, 'empty'));
  await fs.mkdir(outside);
  await fs.writeFile(path.join(base, 'secret'), 'top secret');
  await fs.writeFile(path.join(outside, 'secret.txt'), 'outside secret');
  await fs.writeFile(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await fs.writeFile(path.join(root, '.env'), 'KEY=value\n');
  await fs.writeFile(path.join(root, 'a.txt'), 'alpha');
  await fs.writeFile(path.join(root, 'b.md'), 'bravo');
  await fs.writeFile(path.join(root, 'sub', 'c.txt'), 'charlie');
  await fs.writeFile(path.join(root, 'sub', 'deeper', 'd.txt'), 'delta');
  await fs.writeFile(path.join(root, 'sub', '.git'), 'gitdir: elsewhere\n');
  await fs.symlink('a.txt', path.join(root, 'link-in.txt'));
  await fs.symlink('sub', path.join(root, 'link-dir'));
  await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'out-file'));
  await fs.symlink(outside, path.join(root, 'out-dir'));
  await fs.symlink('nowhere.txt', path.join(root, 'broken'));
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

function context(): ToolContext {
  return { workspaceRoot: root, signal: new AbortController().signal, now: () => new Date(0) };
}

// Goes through the registry so the schema's defaults apply, as they do in the agent loop.
async function list(args: Record<string, unknown> = {}): Promise<string> {
  const validated = new ToolRegistry([listFilesTool]).validate('list_files', args);
  if (!validated.ok) throw new Error(validated.error);
  return listFilesTool.run(validated.args as { path: string; recursive: boolean }, context());
}

async function failure(args: Record<string, unknown>): Promise<Error> {
  try {
    await list(args);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`listing ${JSON.stringify(args)} succeeded`);
}

describe('list_files', () => {
  it('lists the workspace root by default: sorted, folders with "/", hidden files shown, .git skipped', async () => {
    expect(await list()).toBe(
      [
        '.env',
        'a.txt',
        'b.md',
        'broken -> (broken link)',
        'empty/',
        'link-dir/ -> sub/',
        'link-in.txt -> a.txt',
        'out-dir -> (outside the workspace)',
        'out-file -> (outside the workspace)',
        'sub/',
      ].join('\n'),
    );
  });

  it('lists everything below when recursive, each folder followed by its contents, without entering symlinks', async () => {
    expect(await list({ recursive: true })).toBe(
      [
        '.env',
        'a.txt',
        'b.md',
        'broken -> (broken link)',
        'empty/',
        'link-dir/ -> sub/',
        'link-in.txt -> a.txt',
        'out-dir -> (outside the workspace)',
        'out-file -> (outside the workspace)',
        'sub/',
        'sub/c.txt',
        'sub/deeper/',
        'sub/deeper/d.txt',
      ].join('\n'),
    );
  });

  it('writes entries of a subfolder as paths from the workspace root, ready for read_file', async () => {
    expect(await list({ path: 'sub' })).toBe('sub/c.txt\nsub/deeper/');
    expect(await list({ path: './sub/', recursive: true })).toBe('sub/c.txt\nsub/deeper/\nsub/deeper/d.txt');
  });

  it('lists a folder reached through an inside symlink under the name it was asked by', async () => {
    expect(await list({ path: 'link-dir' })).toBe('link-dir/c.txt\nlink-dir/deeper/');
  });

  it('says when a folder is empty', async () => {
    expect(await list({ path: 'empty' })).toBe('(empty folder)');
  });

  it('refuses a file and points to read_file', async () => {
    expect((await failure({ path: 'a.txt' })).message).toBe('"a.txt" is a file, not a folder; use read_file to read it');
  });

  it('says a missing folder does not exist', async () => {
    expect((await failure({ path: 'nope' })).message).toBe('"nope" does not exist; use list_files to see what is there');
    expect((await failure({ path: '%2e%2e' })).message).toMatch(/does not exist/);
  });

  it.each(['..', '../outside', 'sub/../../outside', './..', '/etc', 'a\u0000b', '..\\outside', 'out-dir', 'out-dir/x'])(
    'refuses the escape %j with a WorkspaceError',
    async (requested) => {
      const error = await failure({ path: requested });
      expect(error).toBeInstanceOf(WorkspaceError);
      expect(error.message).not.toContain(base);
    },
  );

  it('refuses the absolute path of a folder inside the workspace', async () => {
    expect(await failure({ path: path.join(root, 'sub') })).toBeInstanceOf(WorkspaceError);
  });

  it(`shows at most ${MAX_LIST_ENTRIES} entries and says how many more there are`, async () => {
    const many = path.join(root, 'many');
    await fs.mkdir(many);
    await Promise.all(
      Array.from({ length: MAX_LIST_ENTRIES + 120 }, (_, i) =>
        fs.writeFile(path.join(many, `f${String(i).padStart(4, '0')}.txt`), ''),
      ),
    );
    try {
      const lines = (await list({ path: 'many' })).split('\n');
      expect(lines).toHaveLength(MAX_LIST_ENTRIES + 1);
      expect(lines[0]).toBe('many/f0000.txt');
      expect(lines[MAX_LIST_ENTRIES - 1]).toBe('many/f0499.txt');
      expect(lines.at(-1)).toBe(
        '[... and 120 more entries not shown; list a subfolder, or leave recursive off, to see them]',
      );
    } finally {
      await fs.rm(many, { recursive: true });
    }
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('run cancelled'));
    await expect(
      listFilesTool.run({ path: '.', recursive: true }, { ...context(), signal: controller.signal }),
    ).rejects.toThrow('run cancelled');
  });
});
