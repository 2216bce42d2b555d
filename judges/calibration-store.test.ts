import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.ts';
import { appendCalibration, latestCalibration, readCalibrations, type CalibrationRecord } from './calibration-store.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const CORE = 'c'.repeat(64);

function record(fields: Partial<CalibrationRecord> = {}): CalibrationRecord {
  return {
    judge: 'openai:gpt-4o-mini',
    kind: 'pairwise',
    prompt: 'pairwise.compare',
    prompt_sha256: A,
    core_sha256: CORE,
    data: 'natural.json',
    data_format: 'llmbar',
    data_sha256: 'd'.repeat(64),
    sample: null,
    n: 100,
    unusable: 0,
    agreement: 0.9,
    kappa: 0.8,
    spearman: 0.8,
    date: '2026-12-01T00:00:00.000Z',
    ...fields,
  };
}

let path: string;
beforeEach(() => {
  path = join(mkdtempSync(join(tmpdir(), 'lunar-calib-')), 'calibrations.jsonl');
});

describe('the calibration store', () => {
  it('appends one line per record (making its folder) and reads them back in file order; no file is no records', () => {
    path = join(path, '..', 'home', 'calibrations.jsonl');
    expect(readCalibrations(path)).toEqual([]);
    appendCalibration(path, record({ kappa: 0.5 }));
    appendCalibration(path, record({ kappa: 0.6 }));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
    expect(readCalibrations(path).map((r) => r.kappa)).toEqual([0.5, 0.6]);
  });

  it('finds the latest record by date for this judge model, one of these prompt hashes and the shared judge texts', () => {
    const records = [
      record({ kappa: 0.7, date: '2026-12-03T00:00:00.000Z' }),
      record({ kappa: 0.4, date: '2026-12-02T00:00:00.000Z' }),
      record({ kappa: 0.9, date: '2026-12-05T00:00:00.000Z', judge: 'openai:gpt-4o' }),
      record({ kappa: 0.9, date: '2026-12-05T00:00:00.000Z', prompt_sha256: B }),
      record({ kappa: 0.9, date: '2026-12-05T00:00:00.000Z', core_sha256: A }),
    ];
    const key = { judge: 'openai:gpt-4o-mini', promptSha256: [A], coreSha256: CORE };
    expect(latestCalibration(records, key)?.kappa).toBe(0.7);
    expect(latestCalibration(records, { ...key, promptSha256: [A, B] })?.kappa).toBe(0.9);
    expect(latestCalibration(records, { ...key, judge: 'ollama:qwen2.5:7b' })).toBeUndefined();
    // The same date: the later line wins.
    expect(latestCalibration([record({ kappa: 0.1 }), record({ kappa: 0.2 })], key)?.kappa).toBe(0.2);
  });

  it('leaves out a torn last line when reading and cuts it off before the next append', () => {
    appendCalibration(path, record({ kappa: 0.5 }));
    appendFileSync(path, '{"judge": "openai:gpt-4o-mi');
    expect(readCalibrations(path).map((r) => r.kappa)).toEqual([0.5]);
    appendCalibration(path, record({ kappa: 0.6 }));
    expect(readCalibrations(path).map((r) => r.kappa)).toEqual([0.5, 0.6]);
    expect(readFileSync(path, 'utf8')).not.toContain('gpt-4o-mi"');
  });

  it('keeps a whole last record saved without its newline, giving it one', () => {
    writeFileSync(path, JSON.stringify(record({ kappa: 0.5 })));
    appendCalibration(path, record({ kappa: 0.6 }));
    expect(readCalibrations(path).map((r) => r.kappa)).toEqual([0.5, 0.6]);
  });

  it('names the file, the line and the field of a line that is not a record', () => {
    writeFileSync(path, `${JSON.stringify(record())}\n${JSON.stringify({ ...record(), kappa: 2 })}\n`);
    expect(() => readCalibrations(path)).toThrow(new InputError(`${path}:2: kappa: Too big: expected number to be <=1`));
    writeFileSync(path, 'not json\n');
    expect(() => readCalibrations(path)).toThrow(/calibrations\.jsonl:1: not valid JSON/);
  });
});
