import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileTool } from './read_file.ts';
import { ToolRegistry, type ToolContext } from './tool.ts';
import { MAX_READ_BYTES, WorkspaceError } from './workspace.ts';

// Layout: <base>/ws is the workspace; <base>/secret and <base>/outside/ lie beside it.
let base: string;
let root: string;

beforeAll(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'lunar-read-file-'));
  root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  await fs.mkdir(path.join(root, 'sub'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(path.join(base, 'secret'), 'top secret');
  await fs.writeFile(path.join(outside, 'secret.txt'), 'outside secret');
  await fs.writeFile(path.join(root, 'poem.txt'), 'one\ntwo\nthree\nfour\nfive\n');
  await fs.writeFile(path.join(root, 'crlf.txt'), 'one\r\ntwo\r\nthree\r\n');
  await fs.writeFile(path.join(root, 'sub', 'note.md'), '# Note\n');
  await fs.writeFile(path.join(root, 'empty.txt'), '');
  await fs.writeFile(path.join(root, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a]));
  await fs.writeFile(path.join(root, 'big.log'), bigLog(12_000));
  await fs.writeFile(path.join(root, 'minified.js'), 'x'.repeat(MAX_READ_BYTES + 10) + '\nsecond line\n');
  await fs.symlink('poem.txt', path.join(root, 'poem-link.txt'));
  await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'out-file'));
  await fs.symlink(outside, path.join(root, 'out-dir'));
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

// 12,000 lines of 11 bytes each with the newline ("line 00001"): 132,000 bytes, just over the limit.
function bigLog(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `line ${String(i + 1).padStart(5, '0')}\n`).join('');
}

function context(): ToolContext {
  return { workspaceRoot: root, signal: new AbortController().signal, now: () => new Date(0) };
}

async function read(args: { path: string; start_line?: number; end_line?: number }): Promise<string> {
  return readFileTool.run(args, context());
}

async function failure(args: { path: string; start_line?: number; end_line?: number }): Promise<Error> {
  try {
    await read(args);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`reading ${JSON.stringify(args)} succeeded`);
}

describe('read_file', () => {
  it('returns the whole text of a file, unchanged', async () => {
    expect(await read({ path: 'poem.txt' })).toBe('one\ntwo\nthree\nfour\nfive\n');
    expect(await read({ path: 'sub/note.md' })).toBe('# Note\n');
  });

  it('returns the lines from start_line to end_line, both included', async () => {
    expect(await read({ path: 'poem.txt', start_line: 2, end_line: 4 })).toBe('two\nthree\nfour');
  });

  it('reads from start_line to the end when end_line is left out', async () => {
    expect(await read({ path: 'poem.txt', start_line: 4 })).toBe('four\nfive');
  });

  it('reads from the first line when only end_line is given', async () => {
    expect(await read({ path: 'poem.txt', end_line: 2 })).toBe('one\ntwo');
  });

  it('stops quietly at the end of the file when end_line is past it', async () => {
    expect(await read({ path: 'poem.txt', start_line: 5, end_line: 99 })).toBe('five');
  });

  it('splits Windows line endings in a range without leaving "\\r"', async () => {
    expect(await read({ path: 'crlf.txt', start_line: 2, end_line: 3 })).toBe('two\nthree');
  });

  it('says when start_line is past the end of the file', async () => {
    expect((await failure({ path: 'poem.txt', start_line: 9 })).message).toBe(
      'start_line 9 is past the end of "poem.txt", which has 5 lines',
    );
  });

  it('rejects end_line before start_line at validation, naming end_line', () => {
    const registry = new ToolRegistry([readFileTool]);
    expect(registry.validate('read_file', { path: 'poem.txt', start_line: 3, end_line: 2 })).toEqual({
      ok: false,
      error: 'invalid arguments for read_file: end_line: end_line must not be before start_line',
    });
    expect(registry.validate('read_file', { path: 'poem.txt', start_line: 0 }).ok).toBe(false);
    expect(registry.validate('read_file', { path: 'poem.txt', start_line: 1.5 }).ok).toBe(false);
  });

  it('marks an empty file instead of returning an empty string', async () => {
    expect(await read({ path: 'empty.txt' })).toBe('(empty file)');
  });

  it('follows a symlink that stays inside the workspace', async () => {
    expect(await read({ path: 'poem-link.txt', end_line: 1 })).toBe('one');
  });

  it('refuses a directory and points to list_files', async () => {
    expect((await failure({ path: 'sub' })).message).toBe(
      '"sub" is a directory, not a file; use list_files to see what it contains',
    );
    expect((await failure({ path: '.' })).message).toMatch(/is a directory/);
  });

  it('refuses a binary file (a NUL in the first 8 KB) without showing it', async () => {
    expect((await failure({ path: 'image.png' })).message).toBe('"image.png" is a binary file, not shown (7 bytes)');
    expect((await failure({ path: 'image.png', start_line: 1 })).message).toMatch(/binary file, not shown/);
  });

  it('refuses a whole file over the size limit and suggests a line range', async () => {
    const message = (await failure({ path: 'big.log' })).message;
    expect(message).toMatch(/^"big\.log" is 129 KB, over the 128 KB limit for reading a whole file; /);
    expect(message).toMatch(/start_line and end_line/);
  });

  it('still reads a line range of a file over the size limit', async () => {
    expect(await read({ path: 'big.log', start_line: 11000, end_line: 11002 })).toBe(
      'line 11000\nline 11001\nline 11002',
    );
  });

  it('caps a long range at the size limit and says where to continue', async () => {
    const text = await read({ path: 'big.log', start_line: 1 });
    const lines = text.split('\n');
    // 11 bytes a line with the newline, so floor(131072 / 11) = 11915 lines fit in 128 KB.
    expect(lines.length).toBe(11916);
    expect(lines.at(-2)).toBe('line 11915');
    expect(lines.at(-1)).toBe(
      '[stopped before line 11916: output limit of 128 KB reached; continue with start_line 11916]',
    );
  });

  it('cuts a single line longer than the limit and says where to continue', async () => {
    const text = await read({ path: 'minified.js', start_line: 1 });
    expect(text.length).toBe(MAX_READ_BYTES + '\n'.length + text.split('\n')[1].length);
    expect(text.split('\n')[1]).toBe(
      '[line 1 is longer than the 128 KB output limit and was cut; continue with start_line 2]',
    );
  });

  it('says a missing file does not exist', async () => {
    expect((await failure({ path: 'nope.txt' })).message).toBe(
      '"nope.txt" does not exist; use list_files to see what is there',
    );
  });

  it('treats "%2e%2e/x" as a literal, missing name', async () => {
    expect((await failure({ path: '%2e%2e/x' })).message).toBe(
      '"%2e%2e/x" does not exist; use list_files to see what is there',
    );
  });

  it('says when a path goes through a file as if it were a folder', async () => {
    expect((await failure({ path: 'poem.txt/x' })).message).toMatch(/part of the path is a file, not a folder/);
  });

  it('refuses a backslash path even when a file with that literal name exists on Linux', async () => {
    await fs.writeFile(path.join(root, '..\\secret'), 'a literal name on Linux');
    expect(await failure({ path: '..\\secret' })).toBeInstanceOf(WorkspaceError);
  });

  it.each([
    '../secret',
    'a/../../secret',
    'sub/../../secret',
    './../secret',
    '/etc/passwd',
    'a\u0000b',
    '..\\secret',
    'C:/secret',
    'out-file',
    'out-dir',
    'out-dir/secret.txt',
    'out-dir/not-yet.txt',
  ])('refuses the escape %j with a WorkspaceError and shows nothing', async (requested) => {
    const error = await failure({ path: requested });
    expect(error).toBeInstanceOf(WorkspaceError);
    // Neither the file's text nor where the workspace lives on the host may reach the model.
    expect(error.message).not.toMatch(/top secret|outside secret/);
    expect(error.message).not.toContain(base);
  });

  it('refuses the absolute path of a file inside the workspace, suggesting the relative one', async () => {
    const error = await failure({ path: path.join(root, 'poem.txt') });
    expect(error).toBeInstanceOf(WorkspaceError);
    expect(error.message).toMatch(/is absolute; .*such as "poem\.txt"/);
  });
});
