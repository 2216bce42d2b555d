// The http target's request body and answer: placeholders filled from the request, and dotted
// paths (`choices.0.message.content`) read out of the response JSON.

import type { AgentRequest } from './protocol.ts';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}$/;

/** A placeholder's value, or an error naming it and the ones there are. */
function valueOf(name: string, request: AgentRequest): unknown {
  if (name.startsWith('vars.')) return pathValue(request.vars, name.slice('vars.'.length));
  switch (name) {
    case 'input':
      return request.input;
    case 'messages':
      return request.messages;
    case 'session_id':
      return request.sessionId;
    case 'traceparent':
      return request.traceparent;
    case 'mcp_url':
      return request.mcpUrl ?? '';
    default:
      throw new Error(`body: unknown placeholder {{${name}}}: use {{input}}, {{messages}}, {{session_id}}, {{traceparent}}, {{mcp_url}} or {{vars.x}}`);
  }
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));

/** Placeholders in a string replaced by their text (`{{messages}}` as JSON). */
export function renderText(template: string, request: AgentRequest): string {
  return template.replace(PLACEHOLDER, (_, name: string) => asText(valueOf(name, request)));
}

/**
 * A body template filled in: in a mapping or list, a string that is exactly one placeholder
 * becomes its value (so `{{messages}}` is an array), any other string has its placeholders
 * replaced by text; a string template is rendered as text.
 */
export function renderBody(template: unknown, request: AgentRequest): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    return whole ? valueOf(whole[1]!, request) : renderText(template, request);
  }
  if (Array.isArray(template)) return template.map((item) => renderBody(item, request));
  if (template !== null && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, renderBody(v, request)]));
  return template;
}

/** `a.b.0.c` read from JSON; undefined where any step is missing. */
export function pathValue(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const step of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = Array.isArray(at) ? at[Number(step)] : (at as Record<string, unknown>)[step];
  }
  return at;
}
