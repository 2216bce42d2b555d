import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runChat } from './chat.ts';
import { InputError } from '../core/errors.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('lunar chat', () => {
  it('asks about concurrent tool calls one at a time, each after the previous answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lunar-chat-'));
    writeFileSync(join(dir, 'a.txt'), 'alpha\n');
    const script = join(dir, 'script.jsonl');
    writeFileSync(
      script,
      `${JSON.stringify({ tool_calls: [{ name: 'calculator', arguments: { expression: '1+1' } }, { name: 'read_file', arguments: { path: 'a.txt' } }] })}\n${JSON.stringify({ text: 'all done' })}\n`,
    );
    const input = new PassThrough();
    const output = capture();
    const chat = runChat({ target: `scripted:${script}`, workspace: dir, home: join(dir, 'home'), confirmTools: true, stream: false, input, output: output.stream });

    input.write('go\n');
    await until(() => output.text().includes('allow calculator'), 'the first question');
    await sleep(100);
    expect(output.text()).not.toContain('allow read_file');
    input.write('y\n');
    await until(() => output.text().includes('allow read_file'), 'the second question');
    input.write('n\n');
    await until(() => output.text().includes('model call(s)'), 'the end of the turn');
    input.end();
    await chat;

    const text = output.text();
    const at = (s: string) => text.indexOf(s);
    expect(at('allow calculator({"expression":"1+1"})? [y/N] ')).toBeGreaterThan(-1);
    expect(at('allow calculator')).toBeLessThan(at('→ read_file'));
    expect(at('→ read_file')).toBeLessThan(at('allow read_file'));
    expect(text.match(/\? \[y\/N\] /g)).toHaveLength(2);
    expect(text).toContain('  ← 2\n');
    expect(text).toContain('  ← call to read_file denied: the user did not approve this call\n');
    expect(text).toContain('all done');
  });

  it('refuses the scripted target, which needs a script per case, as bad input', async () => {
    const error = await runChat({ target: 'scripted', workspace: '.', home: tmpdir(), confirmTools: false, stream: false, input: new PassThrough(), output: capture().stream }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('the scripted target needs a script; use it with lunar bench');
  });

  it('refuses a target whose API key is not set before the first prompt', async () => {
    const output = capture();
    const error = await runChat({ target: 'gemini:gemini-2.5-flash', workspace: '.', home: tmpdir(), confirmTools: false, stream: false, input: new PassThrough(), output: output.stream, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^target gemini:gemini-2\.5-flash: GEMINI_API_KEY is not set\./);
    expect(output.text()).toBe('');
  });
});
