// The one resolver of reference data: the shared copy first, then the home's data/, else missing;
// suites' `data:<set>/<file>`; and the line that says how to get what is missing.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors.ts';
import { howToGet, locateReferenceSet, missingFiles, referenceFileOf, referenceFilePath, referenceSetNamed, type DataRoots } from './locate.ts';

function roots(): DataRoots {
  const dir = mkdtempSync(join(tmpdir(), 'lunar-locate-'));
  return { shared: join(dir, 'copy', 'data'), home: join(dir, 'home', 'data') };
}

describe('locateReferenceSet', () => {
  it('takes ../shared/data/<set> when it is there, else <home>/data/<set>, else says missing (at the shared path)', () => {
    const r = roots();
    expect(locateReferenceSet('squad', r)).toEqual({ name: 'squad', path: join(r.shared, 'squad'), where: 'missing' });
    mkdirSync(join(r.home, 'squad'), { recursive: true });
    expect(locateReferenceSet('squad', r)).toEqual({ name: 'squad', path: join(r.home, 'squad'), where: 'home' });
    mkdirSync(join(r.shared, 'squad'), { recursive: true });
    expect(locateReferenceSet('squad', r)).toEqual({ name: 'squad', path: join(r.shared, 'squad'), where: 'shared' });
  });

  it('counts the files of the manifest that the folder lacks', () => {
    const r = roots();
    mkdirSync(join(r.home, 'llmbar'), { recursive: true });
    writeFileSync(join(r.home, 'llmbar', 'natural.json'), '[]');
    expect(missingFiles(locateReferenceSet('llmbar', r))).toEqual(['adversarial_neighbor.json']);
    expect(missingFiles(locateReferenceSet('llmbar', r), ['natural.json'])).toEqual([]);
    expect(missingFiles(locateReferenceSet('squad', r))).toEqual(['normans.json']);
  });
});

describe('data:<set>/<file> in suites', () => {
  it('resolves through the same places, and refuses a set the manifest does not know', () => {
    const r = roots();
    expect(referenceFilePath('data:bfcl/possible_answer/BFCL_v4_multiple.json', r)).toBe(join(r.shared, 'bfcl', 'possible_answer', 'BFCL_v4_multiple.json'));
    mkdirSync(join(r.home, 'bfcl'), { recursive: true });
    expect(referenceFilePath('data:bfcl/BFCL_v4_multiple.json', r)).toBe(join(r.home, 'bfcl', 'BFCL_v4_multiple.json'));
    expect(() => referenceFilePath('data:mmlu/x.json', r)).toThrow(InputError);
    expect(() => referenceFilePath('data:bfcl', r)).toThrow(/data:bfcl: not a reference file \(data:<set>\/<file>, sets: bfcl, vaswani, tau_bench/);
  });

  it('tells which set and file a path is, in either place', () => {
    const r = roots();
    expect(referenceFileOf(join(r.shared, 'bfcl', 'possible_answer', 'BFCL_v4_multiple.json'), r)).toEqual({ name: 'bfcl', file: 'possible_answer/BFCL_v4_multiple.json' });
    expect(referenceFileOf(join(r.home, 'vaswani', 'qrels.odd'), r)).toEqual({ name: 'vaswani', file: 'qrels.odd' });
    expect(referenceFileOf(join(r.home, 'elsewhere', 'x'), r)).toBeUndefined();
    expect(referenceFileOf('/tmp/datasets/tools.jsonl', r)).toBeUndefined();
  });
});

describe('how to get what is missing', () => {
  it('is `lunar data pull` for upstream files, and says derived files come only with the shared copy', () => {
    expect(howToGet('llmbar', ['natural.json'])).toBe('lunar data pull llmbar');
    expect(howToGet('squad', ['normans.json'])).toBe('normans.json is derived by the project and comes only with ../shared/data');
    expect(howToGet('vaswani', ['doc-text.trec', 'qrels.odd', 'query-text.odd.trec'])).toBe(
      'lunar data pull vaswani; 2 of its files are derived by the project and come only with ../shared/data',
    );
  });

  it('takes tau-bench for tau_bench, as people type it', () => {
    expect(referenceSetNamed('tau-bench')).toBe('tau_bench');
    expect(referenceSetNamed('trec-eval')).toBe('trec_eval');
    expect(referenceSetNamed('mmlu')).toBeUndefined();
  });
});
