import { describe, expect, it } from 'vitest';
import { currentTimeTool } from './current_time.ts';
import { ToolRegistry, type ToolContext } from './tool.ts';

// A Tuesday evening in UTC: already Wednesday morning in Tokyo, afternoon in New York (EST).
const NOW = new Date('2026-11-24T21:40:00.000Z');

function context(now: Date = NOW): ToolContext {
  return { workspaceRoot: '.', signal: new AbortController().signal, now: () => now };
}

function timeIn(timezone: string, now?: Date): string {
  return currentTimeTool.run({ timezone }, context(now)) as string;
}

describe('current_time', () => {
  it('gives the ISO instant and the wall clock in UTC', () => {
    expect(timeIn('UTC')).toBe('2026-11-24T21:40:00.000Z (Tuesday, 24 November 2026, 21:40 in UTC)');
  });

  it('uses UTC when no timezone is given', () => {
    const registry = new ToolRegistry([currentTimeTool]);
    const validated = registry.validate('current_time', {});
    expect(validated).toEqual({ ok: true, args: { timezone: 'UTC' } });
    if (!validated.ok) return;
    expect(currentTimeTool.run(validated.args as { timezone: string }, context())).toBe(
      '2026-11-24T21:40:00.000Z (Tuesday, 24 November 2026, 21:40 in UTC)',
    );
  });

  it('moves to the next day in Asia/Tokyo', () => {
    expect(timeIn('Asia/Tokyo')).toBe('2026-11-24T21:40:00.000Z (Wednesday, 25 November 2026, 06:40 in Asia/Tokyo)');
  });

  it('applies standard time in America/New_York in November', () => {
    expect(timeIn('America/New_York')).toBe(
      '2026-11-24T21:40:00.000Z (Tuesday, 24 November 2026, 16:40 in America/New_York)',
    );
  });

  it('applies daylight saving time in America/New_York in July', () => {
    expect(timeIn('America/New_York', new Date('2026-07-04T12:05:00Z'))).toBe(
      '2026-07-04T12:05:00.000Z (Saturday, 4 July 2026, 08:05 in America/New_York)',
    );
  });

  it('writes midnight as 00:00, not 24:00', () => {
    expect(timeIn('UTC', new Date('2026-01-01T00:00:00Z'))).toBe(
      '2026-01-01T00:00:00.000Z (Thursday, 1 January 2026, 00:00 in UTC)',
    );
  });

  it('accepts any letter case and reports the canonical zone name', () => {
    expect(timeIn('asia/tokyo')).toMatch(/ in Asia\/Tokyo\)$/);
    expect(timeIn(' utc ')).toMatch(/ in UTC\)$/);
  });

  it('treats an empty timezone as UTC', () => {
    expect(timeIn('')).toMatch(/21:40 in UTC\)$/);
  });

  it('refuses an unknown timezone and shows what a valid one looks like', () => {
    expect(() => timeIn('Mars/Base')).toThrow('unknown timezone "Mars/Base"; use an IANA name such as Europe/Paris');
  });
});
