import { describe, expect, it } from 'vitest';
import { declaredRegistry, DECLARED_TOOL_RESULT } from './declared.ts';

const spec = { name: 'calc_area', description: 'Area.', parameters: { type: 'object', properties: { base: { type: 'integer' } }, required: ['base'] } };

describe('declared tools', () => {
  it('offer the declared schema unchanged and take any arguments as given, for the matcher to judge', async () => {
    const registry = declaredRegistry([spec, { ...spec, description: 'a second declaration of the same name' }]);
    expect(registry.specs()).toEqual([spec]);
    expect(registry.validate('calc_area', { base: '10', extra: true })).toEqual({ ok: true, args: { base: '10', extra: true } });
    expect(registry.validate('other', {})).toMatchObject({ ok: false });
    expect(await registry.get('calc_area')!.run({}, { workspaceRoot: '/', signal: new AbortController().signal, now: () => new Date() })).toBe(DECLARED_TOOL_RESULT);
  });
});
