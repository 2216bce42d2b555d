import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OllamaFake } from '../test/fakes/ollama-server.ts';
import { describe, expect, it } from 'vitest';
import { missingKeyVariable } from './providers/registry.ts';
import { InputError } from '../core/errors.ts';
import { resolveTarget, detectTargets, HOW_TO_ADD_A_MODEL } from './targets.ts';

const dir = mkdtempSync(join(tmpdir(), 'lunar-targets-'));
const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('resolveTarget', () => {
  it('reads a scripted:FILE once and gives each attempt a fresh model over the same steps', async () => {
    const file = join(dir, 'once.jsonl');
    writeFileSync(file, '{"text": "first"}\n{"text": "second"}\n');
    const target = resolveTarget(`scripted:${file}`);
    rmSync(file); // later attempts must not need the file
    const a = target.model();
    const b = target.model();
    expect(a).not.toBe(b);
    expect((await a.chat(ask)).text).toBe('first');
    expect((await b.chat(ask)).text).toBe('first');
    expect((await a.chat(ask)).text).toBe('second');
  });

  it('refuses a script file with bad JSON as bad input naming the file and the line', () => {
    const jsonl = join(dir, 'bad.jsonl');
    writeFileSync(jsonl, '{"text": "ok"}\n\n{"text": oops}\n');
    const error = thrown(() => resolveTarget(`scripted:${jsonl}`));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(new RegExp(`^target scripted:${jsonl}: ${jsonl}:3: not valid JSON: `));

    const array = join(dir, 'bad.json');
    writeFileSync(array, '[\n  {"text": "a"},\n  {"text" "b"}\n]\n');
    expect(thrown(() => resolveTarget(`scripted:${array}`)).message).toMatch(new RegExp(`${array}:3: not valid JSON`));
  });

  it('refuses a script step that is not a step as bad input naming the file, line, step and field', () => {
    const file = join(dir, 'schema.jsonl');
    writeFileSync(file, '{"text": "ok"}\n{"tool_calls": [{"arguments": {}}]}\n');
    const error = thrown(() => resolveTarget(`scripted:${file}`));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`target scripted:${file}: ${file}:2: step 2: tool_calls.0.name: Invalid input: expected string, received undefined`);
    const missing = thrown(() => resolveTarget(`scripted:${join(dir, 'nope.json')}`));
    expect(missing).toBeInstanceOf(InputError);
    expect(missing.message).toContain('cannot read script (ENOENT)');
  });

  it('refuses a target whose API key is not set, naming the variable', () => {
    const error = thrown(() => resolveTarget('groq:llama-3.3-70b-versatile', { env: {} }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('target groq:llama-3.3-70b-versatile: GROQ_API_KEY is not set. Export it (e.g. `export GROQ_API_KEY=...`) or pick another target.');
    expect(() => resolveTarget('groq:llama-3.3-70b-versatile', { env: { GROQ_API_KEY: 'gsk-x' } })).not.toThrow();
    expect(() => resolveTarget('baseline', { env: {} })).not.toThrow();
  });

  it('refuses an unknown target as bad input', () => {
    expect(thrown(() => resolveTarget('nosuch:model'))).toBeInstanceOf(InputError);
  });
});

describe('missingKeyVariable', () => {
  it('names the key variable of a provider that needs one and lacks it', () => {
    expect(missingKeyVariable('openai:gpt-4o-mini', { env: {} })).toBe('OPENAI_API_KEY');
    expect(missingKeyVariable('gemini:gemini-2.5-flash', { env: {} })).toBe('GEMINI_API_KEY');
    expect(missingKeyVariable('groq:llama-3.3-70b-versatile', { env: {} })).toBe('GROQ_API_KEY');
    expect(missingKeyVariable('openai:gpt-4o-mini', { env: { OPENAI_API_KEY: '' } })).toBe('OPENAI_API_KEY');
  });

  it('needs no key for an OpenAI-compatible server at a non-default OPENAI_BASE_URL, but does for the default one', () => {
    expect(missingKeyVariable('openai:qwen', { env: { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' } })).toBeUndefined();
    expect(missingKeyVariable('openai:gpt-4o-mini', { env: { OPENAI_BASE_URL: 'https://api.openai.com/v1/' } })).toBe('OPENAI_API_KEY');
  });

  it('accepts the keys a provider reads besides its main variable, and providers that need none', () => {
    expect(missingKeyVariable('gemini:gemini-2.5-flash', { env: { GOOGLE_API_KEY: 'g-key' } })).toBeUndefined();
    expect(missingKeyVariable('openai:gpt-4o-mini', { env: {}, apiKey: 'sk-given' })).toBeUndefined();
    expect(missingKeyVariable('ollama:qwen2.5:7b', { env: {} })).toBeUndefined();
    expect(missingKeyVariable('baseline', { env: {} })).toBeUndefined();
  });
});

describe('detectTargets', () => {
  it('finds the models pulled on an Ollama server and a model per API key, plus the baseline', async () => {
    const ollama = await new OllamaFake().start();
    try {
      ollama.models = ['qwen2.5:7b', 'llama3.2:latest'];
      const detected = await detectTargets({ OLLAMA_HOST: ollama.url, OPENAI_API_KEY: 'sk-x', GROQ_API_KEY: 'gsk-x' });
      expect(detected.targets).toEqual(['ollama:llama3.2:latest', 'ollama:qwen2.5:7b', 'openai:gpt-4o-mini', 'groq:llama-3.3-70b-versatile', 'baseline']);
      expect(detected.message).toMatch(/^Targets found: ollama:llama3\.2:latest, ollama:qwen2\.5:7b, openai:gpt-4o-mini, groq:llama-3\.3-70b-versatile/);
    } finally {
      await ollama.close();
    }
  });

  it('falls back to the baseline alone, saying how to add a model, when nothing answers', async () => {
    const detected = await detectTargets({ OLLAMA_HOST: 'http://127.0.0.1:9' });
    expect(detected).toEqual({ targets: ['baseline'], message: HOW_TO_ADD_A_MODEL });
  });

  it('gives up on an Ollama server that does not answer in time', async () => {
    const ollama = await new OllamaFake().start();
    try {
      ollama.fault({ kind: 'delay', ms: 2_000 });
      const started = performance.now();
      const detected = await detectTargets({ OLLAMA_HOST: ollama.url }, 200);
      expect(detected.targets).toEqual(['baseline']);
      expect(performance.now() - started).toBeLessThan(1_500);
    } finally {
      await ollama.close();
    }
  });
});
