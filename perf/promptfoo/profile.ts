// Where Lunar's time goes in the instant figure: its run again under node --cpu-prof, self time
// summed per function and per file (per package for node_modules). Frames in the bundle
// (dist/lunar.mjs) are mapped back through its source map to the TypeScript sources, because the
// bundle's line numbers name nothing anyone edits; the small source map v3 decoder here spares a
// dependency for that.

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../core/package.ts';
import { runChild, type MemoryTimer } from './child-timing.ts';
import type { Fixture } from './fixtures.ts';
import { freshBundle, lunarArgs, type LunarRun } from './tools.ts';

export interface Hotspot {
  selfMs: number;
  share: number;
  what: string;
}

export async function profileLunar(timer: MemoryTimer, root: string, fixture: Fixture, run: LunarRun): Promise<{ hotspots: Hotspot[]; hotFiles: Hotspot[]; totalMs: number } | undefined> {
  const profDir = join(root, 'cpuprofile');
  mkdirSync(profDir, { recursive: true });
  await freshBundle(timer, root, run.timeoutMs);
  const { args, env } = lunarArgs(root, fixture, { ...run, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
  await runChild(timer, process.execPath, args, { cwd: PACKAGE_ROOT, env, timeoutMs: run.timeoutMs });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
  return { hotspots: summariseProfile(profile), hotFiles: summariseProfile(profile, 12, fileOf), totalMs: (profile.endTime - profile.startTime) / 1000 };
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }; hitCount?: number }[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** Self time per function (name, file:line) or per whatever `key` groups frames by, biggest first. */
export function summariseProfile(profile: CpuProfile, top = 15, key: (frame: Frame) => string = describeFrame): Hotspot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const total = profile.endTime - profile.startTime;
  const byWhat = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const what = key(frame);
    byWhat.set(what, (byWhat.get(what) ?? 0) + us);
  }
  return [...byWhat.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, us]) => ({ what, selfMs: us / 1000, share: total > 0 ? us / total : 0 }));
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '').replace(`${PACKAGE_ROOT}/`, '');
  return path.includes('node_modules/') ? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length) : path;
}

/** Where a frame's code came from: through the bundle's source map (dist/lunar.mjs.map) when it has one. */
function sourceOf(frame: Frame): { url: string; line: number } {
  const mapped = frame.url.startsWith('file://') && !frame.url.includes('/node_modules/') ? sourceMap(frame.url)?.(frame.lineNumber, frame.columnNumber ?? 0) : undefined;
  return mapped ?? { url: frame.url, line: frame.lineNumber };
}

function describeFrame(frame: Frame): string {
  const name = clip(frame.functionName || '(anonymous)');
  if (!frame.url) return name;
  const { url, line } = sourceOf(frame);
  return `${name} ${shortUrl(url)}:${line + 1}`;
}

const sourceMaps = new Map<string, ((line: number, column: number) => { url: string; line: number } | undefined) | undefined>();

/** A lookup from generated (line, column) to source file and line, for a file with a `.map` beside it. */
function sourceMap(url: string): ((line: number, column: number) => { url: string; line: number } | undefined) | undefined {
  if (sourceMaps.has(url)) return sourceMaps.get(url);
  let lookup: ((line: number, column: number) => { url: string; line: number } | undefined) | undefined;
  try {
    const file = fileURLToPath(url);
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; sourceRoot?: string; mappings: string };
    const sources = map.sources.map((source) => pathToFileURL(resolve(dirname(file), map.sourceRoot ?? '', source)).href);
    const lines = decodeMappings(map.mappings);
    lookup = (line, column) => {
      const segments = lines[line];
      if (!segments?.length) return undefined;
      let found: number[] | undefined;
      for (const segment of segments) {
        if (segment[0]! > column) break;
        found = segment;
      }
      found ??= segments[0];
      return found && found.length >= 4 ? { url: sources[found[1]!]!, line: found[2]! } : undefined;
    };
  } catch {
    lookup = undefined;
  }
  sourceMaps.set(url, lookup);
  return lookup;
}

/** Source map v3 mappings: per generated line, segments [column, source, line, column] with the deltas resolved. */
function decodeMappings(mappings: string): number[][][] {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines: number[][][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  for (const text of mappings.split(';')) {
    const segments: number[][] = [];
    let generated = 0;
    for (const raw of text.split(',')) {
      if (!raw) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of raw) {
        const digit = chars.indexOf(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generated += values[0]!;
      if (values.length >= 4) {
        source += values[1]!;
        line += values[2]!;
        column += values[3]!;
        segments.push([generated, source, line, column]);
      } else segments.push([generated]);
    }
    lines.push(segments);
  }
  return lines;
}

/** A frame's file, or its package for node_modules; V8's own entries ((garbage collector), (program)) by name. */
function fileOf(frame: Frame): string {
  if (!frame.url) return clip(frame.functionName || '(native)');
  if (frame.url.startsWith('node:')) return 'node: built-ins';
  const url = sourceOf(frame).url;
  const short = shortUrl(url);
  if (!url.includes('node_modules/')) return short;
  const parts = short.split('/');
  return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`;
}

function clip(text: string, max = 70): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
