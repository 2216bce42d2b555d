import { describe, expect, it } from 'vitest';
import { exposedToolName, PROVIDER_TOOL_NAME } from './names.ts';

describe('exposedToolName', () => {
  it('prefixes the tool with its server and a double underscore by default', () => {
    expect(exposedToolName('echo', 'add', true)).toBe('echo__add');
  });

  it('keeps the tool its own name when the server is listed with prefix: false', () => {
    expect(exposedToolName('echo', 'add', false)).toBe('add');
  });

  it('turns characters providers refuse (dots, slashes, spaces) into underscores', () => {
    expect(exposedToolName('fs', 'files.read/v2 beta', true)).toBe('fs__files_read_v2_beta');
    expect(PROVIDER_TOOL_NAME.test('fs__files_read_v2_beta')).toBe(true);
  });

  it('shortens a name over 64 characters to its first 55 and 8 hex digits of the sha256 of the whole (sha256sum: ca5bcce9)', () => {
    const name = exposedToolName('knowledge', 'a'.repeat(60), true);
    expect(name).toBe(`knowledge__${'a'.repeat(44)}_ca5bcce9`);
    expect(name).toHaveLength(64);
    expect(PROVIDER_TOOL_NAME.test(name)).toBe(true);
  });

  it('gives two long names that differ only past the cut two different names (sha256sum: 2267c920)', () => {
    const other = exposedToolName('knowledge', `${'a'.repeat(59)}b`, true);
    expect(other).toBe(`knowledge__${'a'.repeat(44)}_2267c920`);
    expect(other).not.toBe(exposedToolName('knowledge', 'a'.repeat(60), true));
  });
});
