// Fills a tool's arguments from the user's message by reading the tool's JSON Schema: each
// property is recognised by its name and description (a path, an arithmetic expression, a time
// zone, an enum, a free-text query) and pulled out of the message with a plain rule.

import type { JsonSchema } from '../providers/types.ts';

type Extracted = unknown[];
type Extractor = (message: string, property: PropertySchema) => Extracted;

interface PropertySchema {
  type?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
}

/** Argument sets for one tool: several when the message names several values (parallel calls). */
export function fillArguments(message: string, parameters: JsonSchema): Record<string, unknown>[] | undefined {
  const properties = (parameters.properties ?? {}) as Record<string, PropertySchema>;
  const required = new Set((parameters.required ?? []) as string[]);
  const values: Record<string, Extracted> = {};
  for (const [name, property] of Object.entries(properties)) {
    const found = extractorFor(name, property)?.(message, property) ?? [];
    if (found.length) values[name] = found;
    else if (required.has(name)) return undefined;
  }
  // One call per value of the first property that found several (e.g. two time zones).
  const fanOut = Object.entries(values).find(([, v]) => v.length > 1);
  const first = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v[0]]));
  if (!fanOut) return [first];
  return fanOut[1].map((value) => ({ ...first, [fanOut[0]]: value }));
}

function extractorFor(name: string, property: PropertySchema): Extractor | undefined {
  const about = `${name} ${property.description ?? ''}`.toLowerCase();
  if (property.enum) return enumValue;
  if (property.type === 'boolean') return (m) => (wordsOf(name).some((w) => m.toLowerCase().includes(w.slice(0, 6))) ? [true] : []);
  if (property.type === 'integer' || property.type === 'number') return undefined;
  if (/time ?zone|\btz\b/.test(about)) return timeZones;
  if (/expression|formula|arithmetic|math/.test(about)) return expressions;
  // "Path of the file to read" wants a file name; "Folder to list" wants a folder.
  if (/\bfiles?\b/.test(about)) return filePaths;
  if (/path|director|folder/.test(about)) return folderPaths;
  if (/query|question|text|search/.test(about)) return (m) => [m.trim()];
  return undefined;
}

function wordsOf(name: string): string[] {
  return name.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 2);
}

function enumValue(message: string, property: PropertySchema): Extracted {
  const lower = message.toLowerCase();
  return (property.enum ?? []).filter((v) => typeof v === 'string' && lower.includes(v.toLowerCase()));
}

// --- paths -----------------------------------------------------------------------------------

const FILE_LIKE = /(?:^|[\s"'`(])((?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w-][\w.-]*\.(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,8})(?=$|[\s"'`),?!:;]|\.(?:\s|$))/g;
const DIR_LIKE = /(?:^|[\s"'`(])((?:[\w.-]+\/)+)(?=$|[\s"'`),?!:;.])/g;
const NAMED_DIR = /\b(?:the\s+)?["'`]?([\w.-]+)["'`]?\s+(?:folder|directory|dir)\b/gi;

function filePaths(message: string): Extracted {
  return unique([...message.matchAll(FILE_LIKE)].map((m) => m[1]!));
}

function folderPaths(message: string): Extracted {
  const found: string[] = [];
  for (const match of message.matchAll(DIR_LIKE)) found.push(match[1]!.replace(/\/$/, ''));
  for (const match of message.matchAll(NAMED_DIR)) {
    const name = match[1]!;
    if (!['this', 'that', 'which', 'what', 'root', 'workspace', 'current', 'a', 'my', 'our', 'your'].includes(name.toLowerCase())) found.push(name);
  }
  return unique(found);
}

// --- arithmetic ------------------------------------------------------------------------------

const WORD_OPERATORS: [RegExp, string][] = [
  [/\bmultiplied by\b|\btimes\b/gi, '*'],
  [/\bdivided by\b|\bover\b/gi, '/'],
  [/\bplus\b|\badded to\b/gi, '+'],
  [/\bminus\b/gi, '-'],
  [/\bto the power of\b/gi, '^'],
  [/\bsquared\b/gi, '^2'],
  [/\bcubed\b/gi, '^3'],
  [/\bpercent\b/gi, '%'],
  [/\bsquare root of\b/gi, 'sqrt'],
];

function expressions(message: string): Extracted {
  // File names and dates hold digits and dashes that are not arithmetic.
  const withoutNames = message.replace(FILE_LIKE, ' ').replace(/\b\d{4}-\d{2}(?:-\d{2})?\b/g, ' ');
  let text = withoutNames.replace(/(\d),(?=\d{3}\b)/g, '$1').replace(/\$/g, '');
  for (const [pattern, symbol] of WORD_OPERATORS) text = text.replace(pattern, ` ${symbol} `);
  text = text.replace(/(\d)\s*[x×]\s*(?=\d)/g, '$1*').replace(/÷/g, '/');
  const candidates = text.match(/(?:sqrt\s*)?[-(\d.][\d\s.+\-*/^%()sqrt]*(?:\s*of\s*[\d.(][\d\s.+\-*/^%()]*)?/g) ?? [];
  const best = candidates
    .map((c) => c.trim().replace(/[\s.]+$/, ''))
    .filter((c) => /\d/.test(c) && /[+\-*/^%]|sqrt|\bof\b/.test(c.replace(/^-/, '')))
    .sort((a, b) => b.length - a.length)[0];
  return best ? [best.replace(/\s+/g, ' ')] : [];
}

// --- time zones ------------------------------------------------------------------------------

const ZONE_ALIASES: Record<string, string> = {
  'san francisco': 'America/Los_Angeles',
  seattle: 'America/Los_Angeles',
  california: 'America/Los_Angeles',
  beijing: 'Asia/Shanghai',
  delhi: 'Asia/Kolkata',
  'new delhi': 'Asia/Kolkata',
  mumbai: 'Asia/Kolkata',
  utc: 'UTC',
  gmt: 'UTC',
};

let cityZones: Map<string, string> | undefined;

function zonesByCity(): Map<string, string> {
  if (cityZones) return cityZones;
  cityZones = new Map(Object.entries(ZONE_ALIASES));
  for (const zone of Intl.supportedValuesOf('timeZone')) {
    const city = zone.split('/').pop()!.replace(/_/g, ' ').toLowerCase();
    if (!cityZones.has(city)) cityZones.set(city, zone);
  }
  return cityZones;
}

function timeZones(message: string): Extracted {
  const lower = ` ${message.toLowerCase().replace(/[^a-z/_ ]+/g, ' ')} `;
  const hits: { at: number; zone: string }[] = [];
  for (const raw of message.match(/\b[A-Z][a-zA-Z]+\/[A-Za-z_]+\b/g) ?? []) {
    if (Intl.supportedValuesOf('timeZone').includes(raw)) hits.push({ at: message.indexOf(raw), zone: raw });
  }
  for (const [city, zone] of zonesByCity()) {
    const at = lower.indexOf(` ${city} `);
    if (at >= 0 && !hits.some((h) => h.zone === zone)) hits.push({ at, zone });
  }
  return hits.sort((a, b) => a.at - b.at).map((h) => h.zone);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
