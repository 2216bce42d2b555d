// Files of exported spans as a dataset of finished traces (`lunar import traces`): the collector's
// file exporter (JSON lines, one ExportTraceServiceRequest each), one OTLP JSON document, or a
// Jaeger JSON export. One case per trace id; its input is the first thing the user said, where the
// spans carry the conversation. Bad input is one InputError naming the file, the line and the field.

import { readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.ts';
import { parseJsonl } from '../../datasets/jsonl.ts';
import { Case } from '../../datasets/case.ts';
import { JaegerExport, spansOfJaeger } from './jaeger-json.ts';
import { OtlpTraceRequest, spansOfRequest } from './otlp-json.ts';
import type { OtelSpan } from './span.ts';
import { firstUserMessage, traceFromSpans } from './trace-from-spans.ts';
import type { ConvertOptions } from './spans-to-trajectory.ts';

export type TraceFileFormat = 'otlp-jsonl' | 'otlp-json' | 'jaeger';

export function readTraceFile(file: string): { format: TraceFileFormat; spans: OtelSpan[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseTraceText(text, file);
}

export function parseTraceText(text: string, file: string): { format: TraceFileFormat; spans: OtelSpan[] } {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    // Not one document: JSON lines, each an ExportTraceServiceRequest (the collector's file exporter).
    const lines = parseJsonl(text, file, OtlpTraceRequest);
    return { format: 'otlp-jsonl', spans: lines.flatMap((l) => spansOfRequest(l.value)) };
  }
  if (typeof whole === 'object' && whole !== null && 'data' in whole) {
    return { format: 'jaeger', spans: spansOfJaeger(checked(JaegerExport, whole, file)) };
  }
  if (typeof whole === 'object' && whole !== null && 'resourceSpans' in whole) {
    // A file of one line is the collector's format too; either way it is one request.
    return { format: text.trim().includes('\n') ? 'otlp-json' : 'otlp-jsonl', spans: spansOfRequest(checked(OtlpTraceRequest, whole, file)) };
  }
  throw new InputError(`${file}:1: (document): neither OTLP JSON (resourceSpans) nor a Jaeger export (data): export with the collector's file exporter, an OTLP JSON exporter or Jaeger's JSON download`);
}

function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, file: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // One JSON document: the line is where the document starts; the field path says where in it.
  throw new InputError(`${file}:1: ${issue.path.map(String).join('.') || '(document)'}: ${issue.message}`);
}

/** Traces in the order they began, each as a case carrying its finished trace. */
export function casesFromSpans(spans: readonly OtelSpan[], options: ConvertOptions = {}): Case[] {
  const byTrace = new Map<string, OtelSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId) ?? [];
    // The same span exported twice (a retried export) counts once.
    if (!list.some((o) => o.spanId === s.spanId)) list.push(s);
    byTrace.set(s.traceId, list);
  }
  const traces = [...byTrace.entries()].sort(([, a], [, b]) => Math.min(...a.map((s) => s.startMs)) - Math.min(...b.map((s) => s.startMs)));
  return traces.map(([traceId, list]) => {
    const { trace, note } = traceFromSpans(list, 'imported', options);
    const input = firstUserMessage(trace);
    const service = list.map((s) => s.resource['service.name']).find((n): n is string => typeof n === 'string' && n !== '');
    return Case.parse({
      id: traceId,
      ...(input ? { input } : {}),
      category: 'imported',
      tags: service ? [`service:${service}`] : [],
      trace,
      ...(note ? { notes: note } : {}),
    });
  });
}
