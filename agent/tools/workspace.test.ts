import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkspaceError, isInside, resolveInWorkspace } from './workspace.ts';

// Layout: <base>/ws is the workspace; <base>/secret and <base>/outside/ lie beside it.
let base: string;
let root: string;
let realRoot: string;
let outside: string;

beforeAll(async () => {
  base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'lunar-workspace-')));
  root = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  await fs.mkdir(path.join(root, 'sub', 'deeper'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(path.join(base, 'secret'), 'top secret');
  await fs.writeFile(path.join(outside, 'secret.txt'), 'outside secret');
  await fs.writeFile(path.join(root, 'a.txt'), 'alpha');
  await fs.writeFile(path.join(root, 'sub', 'b.txt'), 'bravo');
  await fs.symlink('a.txt', path.join(root, 'link-inside.txt'));
  await fs.symlink('sub', path.join(root, 'link-inside-dir'));
  await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'out-file'));
  await fs.symlink(outside, path.join(root, 'out-dir'));
  await fs.symlink('../outside', path.join(root, 'relative-escape'));
  await fs.symlink('out-dir', path.join(root, 'chain-to-outside'));
  await fs.symlink(path.join(outside, 'missing.txt'), path.join(root, 'dangling-outside'));
  await fs.symlink('missing.txt', path.join(root, 'dangling-inside'));
  await fs.symlink('loop-b', path.join(root, 'loop-a'));
  await fs.symlink('loop-a', path.join(root, 'loop-b'));
  realRoot = await fs.realpath(root);
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function refusal(requested: string): Promise<string> {
  try {
    await resolveInWorkspace(root, requested);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkspaceError);
    return (error as Error).message;
  }
  throw new Error(`"${requested}" was accepted`);
}

describe('resolveInWorkspace allows', () => {
  it.each([
    ['a.txt', 'a.txt'],
    ['./a.txt', 'a.txt'],
    ['sub/b.txt', 'sub/b.txt'],
    ['sub/', 'sub'],
    ['sub//b.txt', 'sub/b.txt'],
    ['sub/../a.txt', 'a.txt'],
  ])('a normal relative path %j', async (requested, expected) => {
    expect(await resolveInWorkspace(root, requested)).toBe(path.join(realRoot, expected));
  });

  it('"." and "" as the workspace root itself', async () => {
    expect(await resolveInWorkspace(root, '.')).toBe(realRoot);
    expect(await resolveInWorkspace(root, '')).toBe(realRoot);
  });

  it('a path that does not exist yet, returned where it would be created', async () => {
    expect(await resolveInWorkspace(root, 'new/dir/file.txt')).toBe(path.join(realRoot, 'new/dir/file.txt'));
  });

  it('a symlink to a file inside, resolved to its real target', async () => {
    expect(await resolveInWorkspace(root, 'link-inside.txt')).toBe(path.join(realRoot, 'a.txt'));
  });

  it('a path through a symlinked folder that stays inside', async () => {
    expect(await resolveInWorkspace(root, 'link-inside-dir/b.txt')).toBe(path.join(realRoot, 'sub/b.txt'));
  });

  it('a dangling symlink whose target would be inside', async () => {
    expect(await resolveInWorkspace(root, 'dangling-inside')).toBe(path.join(realRoot, 'missing.txt'));
  });

  it('"%2e%2e/x" as a literal name, not percent-decoded', async () => {
    expect(await resolveInWorkspace(root, '%2e%2e/x')).toBe(path.join(realRoot, '%2e%2e', 'x'));
  });

  it('a name that merely starts with two dots', async () => {
    expect(await resolveInWorkspace(root, '..notes')).toBe(path.join(realRoot, '..notes'));
  });

  it('a workspace root that is itself reached through a symlink', async () => {
    const alias = path.join(base, 'alias');
    await fs.symlink(root, alias);
    expect(await resolveInWorkspace(alias, 'a.txt')).toBe(path.join(realRoot, 'a.txt'));
    await expect(resolveInWorkspace(alias, 'out-file')).rejects.toThrow(WorkspaceError);
  });
});

describe('resolveInWorkspace refuses', () => {
  it.each(['../secret', 'a/../../secret', 'sub/../../x', './../x', '..', 'sub/deeper/../../../secret'])(
    'the ".." escape %j',
    async (requested) => {
      expect(await refusal(requested)).toBe(`path "${requested}" is outside the workspace`);
    },
  );

  it('an absolute path outside the workspace', async () => {
    expect(await refusal('/etc/passwd')).toBe(
      'path "/etc/passwd" is absolute; give a path relative to the workspace root',
    );
  });

  it('an absolute path even to a file inside, suggesting the relative spelling', async () => {
    expect(await refusal(path.join(root, 'sub/b.txt'))).toMatch(/is absolute; .* such as "sub\/b.txt"$/);
  });

  it('a NUL byte', async () => {
    expect(await refusal('a\u0000b')).toMatch(/NUL byte/);
  });

  it.each(['..\\secret', 'sub\\..\\..\\secret', '\\\\server\\share\\x'])('a backslash path %j', async (requested) => {
    expect(await refusal(requested)).toMatch(/contains a backslash; use "\/"/);
  });

  it.each(['C:/Windows/win.ini', 'c:secret', 'D:'])('a Windows drive path %j', async (requested) => {
    expect(await refusal(requested)).toMatch(/Windows drive path/);
  });

  it.each([
    ['a symlink to a file outside', 'out-file'],
    ['a symlink to a folder outside', 'out-dir'],
    ['a file under a symlinked folder outside', 'out-dir/secret.txt'],
    ['a not-yet-existing file under an outside symlink', 'out-dir/new.txt'],
    ['a not-yet-existing folder and file under an outside symlink', 'out-dir/new/deeper.txt'],
    ['a relative symlink that climbs out', 'relative-escape/secret.txt'],
    ['a symlink chain that ends outside', 'chain-to-outside/secret.txt'],
    ['a dangling symlink whose target would be outside', 'dangling-outside'],
    ['a symlink reached through an inside symlink', 'link-inside-dir/../out-file'],
  ])('%s', async (_, requested) => {
    expect(await refusal(requested)).toBe(
      `path "${requested}" leads outside the workspace through a symbolic link`,
    );
  });

  it('a symlink loop, without hanging', async () => {
    expect(await refusal('loop-a')).toMatch(/too many symbolic links/);
  });
});

describe('isInside', () => {
  it('accepts the root and paths below it, and rejects siblings sharing a prefix', () => {
    expect(isInside('/w/root', '/w/root')).toBe(true);
    expect(isInside('/w/root', '/w/root/a/b')).toBe(true);
    expect(isInside('/w/root', '/w/root/..x')).toBe(true);
    expect(isInside('/w/root', '/w/root-evil/a')).toBe(false);
    expect(isInside('/w/root', '/w')).toBe(false);
    expect(isInside('/', '/anything')).toBe(true);
  });
});
