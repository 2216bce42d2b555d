// The one way a test reaches reference data (../shared/data beside the checkout, else what
// `lunar data pull` fetched into the home: README, "Reference data"). A test names the set and
// the files it reads, and skips (describe.skipIf(!data.present)) when any is missing. One line
// per incomplete set, once per run, says what the set lacks and how to get it: the same line
// whichever files a test asked for, so no set is announced twice. In CI a missing file does not
// skip: CI has the data, so a skip there would hide tests that never ran; a test that fails
// naming what is missing takes the skipped tests' place.

import { join } from 'node:path';
import { it } from 'vitest';
import { howToGet, locateReferenceSet, missingFiles, shownPath, type LocatedSet } from '../datasets/reference/locate.ts';
import { isUpstream, REFERENCE_SETS, type ReferenceSetName } from '../datasets/reference/manifest.ts';
import { inCi, sayOnce } from './skip-notice.ts';

export interface ReferenceData {
  /** The set's folder; when missing, where the shared copy would be. */
  path: string;
  /** Every file the test asked for is there. */
  present: boolean;
  /** A file of the set by its path in the set (`possible_answer/BFCL_v4_multiple.json`). */
  file(path: string): string;
}

/** `files`: the paths in the set the test reads (default: all of the set's files). */
export function referenceData(name: ReferenceSetName, files?: readonly string[]): ReferenceData {
  const known: string[] = REFERENCE_SETS[name].files.map((f) => f.path);
  const wanted = files ?? known;
  const unknown = wanted.filter((path) => !known.includes(path));
  // A typo here would skip forever: refuse it.
  if (unknown.length) throw new Error(`reference data ${name} has no ${unknown.join(', ')} (datasets/reference/manifest.ts)`);
  const set = locateReferenceSet(name);
  const file = (path: string) => join(set.path, path);
  const missing = missingFiles(set, wanted);
  if (missing.length === 0) return { path: set.path, present: true, file };

  const line = incompleteSetLine(set);
  if (inCi()) {
    it(`has the reference data it reads: ${name}`, () => {
      throw new Error(`${line}. CI must run every test on reference data, so a missing set fails instead of skipping.`);
    });
  } else {
    sayOnce(`skipped: ${line}`);
  }
  return { path: set.path, present: false, file };
}

/** What the set lacks, all of it (not only what one test reads), and how to get it. */
function incompleteSetLine(set: LocatedSet): string {
  const lacking = missingFiles(set);
  const what =
    set.where === 'missing'
      ? `${shownPath(set.path)} is not here`
      : `${shownPath(set.path)} lacks ${lacking.length} of its ${REFERENCE_SETS[set.name].files.length} files`;
  return `${what} (${howToGet(set.name, lacking)})`;
}

/** The set's files that `lunar data pull` fetches: a test reading only these runs on a pulled set. */
export function upstreamFiles(name: ReferenceSetName): string[] {
  return REFERENCE_SETS[name].files.filter(isUpstream).map((f) => f.path);
}
