// The manifest against the data it describes: every file here has the sha256 the manifest gives,
// and each set's folder holds no data file the manifest leaves out (so `lunar data list` counts
// and `lunar data pull` checks every file).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referenceData } from '../../test/reference-data.ts';
import { isUpstream, REFERENCE_SET_NAMES, REFERENCE_SETS, type ReferenceSet } from './manifest.ts';

describe('the reference data manifest', () => {
  it('names each file once, with a sha256, as upstream (a path in the repository) or derived (how)', () => {
    for (const name of REFERENCE_SET_NAMES) {
      const set: ReferenceSet = REFERENCE_SETS[name];
      expect(new Set(set.files.map((f) => f.path)).size, name).toBe(set.files.length);
      expect(set.source.commit, name).toMatch(/^[0-9a-f]{40}$/);
      for (const file of set.files) {
        expect(file.sha256, file.path).toMatch(/^[0-9a-f]{64}$/);
        expect(isUpstream(file) ? file.upstream : file.derived, file.path).toMatch(/\S/);
      }
    }
  });

  describe.each(REFERENCE_SET_NAMES)('%s', (name) => {
    const data = referenceData(name);
    it.skipIf(!data.present)('every file here has the manifest sha256, and the folder has no other data file', () => {
      const wrong = REFERENCE_SETS[name].files.filter((f) => createHash('sha256').update(readFileSync(data.file(f.path))).digest('hex') !== f.sha256);
      expect(wrong.map((f) => f.path)).toEqual([]);
      const here = readdirSync(data.path, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name !== 'README.md')
        .map((e) => join(e.parentPath, e.name).slice(data.path.length + 1));
      expect(here.sort()).toEqual(REFERENCE_SETS[name].files.map((f) => f.path).sort());
    });
  });
});
