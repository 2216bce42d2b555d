// raw.githubusercontent.com on loopback, for `lunar data pull`: each upstream file of the
// reference data is served at the path pull asks for (/<owner>/<repo>/<commit>/<upstream path>),
// its bytes read from wherever the set is here (../shared/data). A path put in `corrupt` is served
// with its first byte changed, as a tampered or truncated source would be; anything else is a 404.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateReferenceSet } from '../../datasets/reference/locate.ts';
import { isUpstream, REFERENCE_SETS, REFERENCE_SET_NAMES, type ReferenceSet } from '../../datasets/reference/manifest.ts';
import { HttpFake } from './http-fake.ts';

export class RawGithubFake extends HttpFake {
  /** URL paths served with their first byte changed. */
  readonly corrupt = new Set<string>();
  private readonly files = new Map<string, string>();

  constructor() {
    super();
    for (const name of REFERENCE_SET_NAMES) {
      const set: ReferenceSet = REFERENCE_SETS[name];
      const folder = locateReferenceSet(name).path;
      for (const file of set.files.filter(isUpstream)) this.files.set(`/${set.source.repo}/${set.source.commit}/${file.upstream}`, join(folder, file.path));
    }
    this.route('GET', /^\//, (request, response) => {
      const path = decodeURIComponent(request.path.split('?')[0]!);
      const file = this.files.get(path);
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('404: Not Found');
        return;
      }
      const bytes = readFileSync(file);
      if (this.corrupt.has(path)) bytes[0] = bytes[0]! ^ 1;
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(bytes.length) });
      response.end(bytes);
    });
  }

  /** The URL path of a set's file, as pull asks for it. */
  pathOf(name: keyof typeof REFERENCE_SETS, path: string): string {
    const set: ReferenceSet = REFERENCE_SETS[name];
    const file = set.files.find((f) => f.path === path);
    if (!file || !isUpstream(file)) throw new Error(`${name}/${path} is not an upstream file`);
    return `/${set.source.repo}/${set.source.commit}/${file.upstream}`;
  }
}
