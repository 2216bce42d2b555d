// The part of Nunjucks (the template language promptfoo renders prompts and assertion values
// with) that `lunar import promptfoo` renders itself, once per test, when the vars are known:
// Lunar's cases hold plain text, so a template is rendered at import time or not at all.
// Covered: {{ expr }} with variable paths, literals, arithmetic, comparisons, `and`/`or`/`not`,
// `x if c else y`, and the common filters; {% if/elif/else %}, {% for %} (with loop.*), {% set %},
// {% raw %}, comments and `-` white-space control. Anything else throws Untranslatable naming the
// construct, so the importer reports it instead of guessing.

/** A construct this renderer does not render the way Nunjucks would; `what` names it. */
export class Untranslatable extends Error {
  constructor(readonly what: string) {
    super(`Nunjucks ${what}: not rendered at import`);
  }
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'out'; expr: Expr }
  | { kind: 'if'; branches: { cond: Expr; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'for'; names: string[]; iter: Expr; body: Node[]; otherwise: Node[] }
  | { kind: 'set'; name: string; expr: Expr };

type Expr =
  | { kind: 'lit'; value: unknown }
  | { kind: 'name'; name: string }
  | { kind: 'get'; of: Expr; key: Expr }
  | { kind: 'list'; items: Expr[] }
  | { kind: 'dict'; entries: [Expr, Expr][] }
  | { kind: 'unary'; op: string; arg: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'cond'; test: Expr; then: Expr; otherwise: Expr | undefined }
  | { kind: 'filter'; name: string; arg: Expr; args: Expr[] };

/** Whether the text has any Nunjucks syntax at all. */
export function hasTemplate(text: string): boolean {
  return /\{\{|\{%|\{#/.test(text);
}

/** The template rendered with these vars as Nunjucks renders it (promptfoo's settings: no autoescape, no block trimming). */
export function renderNunjucks(template: string, vars: Readonly<Record<string, unknown>>): string {
  if (!hasTemplate(template)) return template;
  const nodes = parseTemplate(template);
  return renderNodes(nodes, new Map(Object.entries(vars)));
}

// ---- Lexing the template into text and tags ----

interface Tag {
  kind: 'text' | 'out' | 'tag';
  body: string;
}

function splitTags(template: string): Tag[] {
  const out: Tag[] = [];
  let i = 0;
  let trimNext = false;
  const pushText = (text: string) => out.push({ kind: 'text', body: text });
  while (i < template.length) {
    const open = template.slice(i).search(/\{\{|\{%|\{#/);
    if (open < 0) {
      pushText(trimNext ? template.slice(i).trimStart() : template.slice(i));
      break;
    }
    const start = i + open;
    const opener = template.slice(start, start + 2);
    const closer = opener === '{{' ? '}}' : opener === '{%' ? '%}' : '#}';
    const end = findClose(template, start + 2, closer);
    if (end < 0) throw new Untranslatable(`unclosed ${opener}`);
    let text = template.slice(i, start);
    if (trimNext) text = text.trimStart();
    let inner = template.slice(start + 2, end);
    if (inner.startsWith('-')) {
      text = text.trimEnd();
      inner = inner.slice(1);
    }
    trimNext = inner.endsWith('-');
    if (trimNext) inner = inner.slice(0, -1);
    pushText(text);
    if (opener === '{%' && /^\s*raw\s*$/.test(inner)) {
      const close = /\{%-?\s*endraw\s*-?%\}/.exec(template.slice(end + 2));
      if (!close) throw new Untranslatable('unclosed {% raw %}');
      pushText(template.slice(end + 2, end + 2 + close.index));
      i = end + 2 + close.index + close[0].length;
      trimNext = close[0].includes('-%}');
      continue;
    }
    if (opener !== '{#') out.push({ kind: opener === '{{' ? 'out' : 'tag', body: inner.trim() });
    i = end + 2;
  }
  return out.filter((t) => t.kind !== 'text' || t.body !== '');
}

/** The closing delimiter's index, skipping quoted strings. */
function findClose(text: string, from: number, closer: string): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (closer !== '#}' && (ch === '"' || ch === "'")) quote = ch;
    else if (text.startsWith(closer, i)) return i;
  }
  return -1;
}

// ---- Parsing tags into a tree ----

function parseTemplate(template: string): Node[] {
  const tags = splitTags(template);
  let pos = 0;
  const block = (ends: readonly string[]): { nodes: Node[]; end: string | undefined; rest: string } => {
    const nodes: Node[] = [];
    while (pos < tags.length) {
      const tag = tags[pos++]!;
      if (tag.kind === 'text') nodes.push({ kind: 'text', text: tag.body });
      else if (tag.kind === 'out') nodes.push({ kind: 'out', expr: parseExpr(tag.body) });
      else {
        const [, word = '', rest = ''] = /^(\w+)\s*([\s\S]*)$/.exec(tag.body) ?? [];
        if (ends.includes(word)) return { nodes, end: word, rest };
        if (word === 'if') nodes.push(ifNode(rest));
        else if (word === 'for') nodes.push(forNode(rest));
        else if (word === 'set') nodes.push(setNode(rest));
        else throw new Untranslatable(`{% ${word || tag.body} %}`);
      }
    }
    if (ends.length) throw new Untranslatable(`a block without {% ${ends.at(-1)} %}`);
    return { nodes, end: undefined, rest: '' };
  };
  const ifNode = (cond: string): Node => {
    const branches: { cond: Expr; body: Node[] }[] = [];
    let current = parseExpr(cond);
    for (;;) {
      const part = block(['elif', 'elseif', 'else', 'endif']);
      branches.push({ cond: current, body: part.nodes });
      if (part.end === 'else') return { kind: 'if', branches, otherwise: block(['endif']).nodes };
      if (part.end === 'endif') return { kind: 'if', branches, otherwise: [] };
      current = parseExpr(part.rest);
    }
  };
  const forNode = (head: string): Node => {
    const m = /^(\w+)(?:\s*,\s*(\w+))?\s+in\s+([\s\S]+)$/.exec(head);
    if (!m) throw new Untranslatable(`{% for ${head} %}`);
    const body = block(['else', 'endfor']);
    const otherwise = body.end === 'else' ? block(['endfor']).nodes : [];
    return { kind: 'for', names: m[2] ? [m[1]!, m[2]] : [m[1]!], iter: parseExpr(m[3]!), body: body.nodes, otherwise };
  };
  const setNode = (rest: string): Node => {
    const m = /^(\w+)\s*=\s*([\s\S]+)$/.exec(rest);
    if (!m) throw new Untranslatable('{% set %} blocks');
    return { kind: 'set', name: m[1]!, expr: parseExpr(m[2]!) };
  };
  return block([]).nodes;
}

// ---- Expressions ----

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_]\w*)|(===|!==|==|!=|<=|>=|\*\*|\/\/|[-+*/%<>~|.,:()[\]{}]))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(source);
    if (!m) throw new Untranslatable(`expression syntax ${JSON.stringify(source.slice(at).trim().slice(0, 20))}`);
    tokens.push(m[0].trim());
    at = TOKEN.lastIndex;
  }
  return tokens;
}

function parseExpr(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (expected?: string) => {
    const t = tokens[pos++];
    if (expected !== undefined && t !== expected) throw new Untranslatable(`expression ${JSON.stringify(source.trim())}`);
    return t;
  };
  const conditional = (): Expr => {
    const then = or();
    if (peek() !== 'if') return then;
    take();
    const test = or();
    if (peek() !== 'else') return { kind: 'cond', test, then, otherwise: undefined };
    take();
    return { kind: 'cond', test, then, otherwise: conditional() };
  };
  const binaryLevel = (ops: readonly string[], next: () => Expr) => (): Expr => {
    let left = next();
    while (ops.includes(peek() ?? '')) {
      const op = take()!;
      left = { kind: 'binary', op, left, right: next() };
    }
    return left;
  };
  const not = (): Expr => (peek() === 'not' ? (take(), { kind: 'unary', op: 'not', arg: not() }) : compare());
  const compare = (): Expr => {
    const left = concat();
    const t = peek();
    if (t === 'is') throw new Untranslatable('`is` tests');
    if (t === 'not' && tokens[pos + 1] === 'in') {
      pos += 2;
      return { kind: 'unary', op: 'not', arg: { kind: 'binary', op: 'in', left, right: concat() } };
    }
    if (t && ['==', '===', '!=', '!==', '<', '>', '<=', '>=', 'in'].includes(t)) {
      take();
      return { kind: 'binary', op: t, left, right: concat() };
    }
    return left;
  };
  const unary = (): Expr => (peek() === '-' || peek() === '+' ? { kind: 'unary', op: take()!, arg: unary() } : postfix());
  const mul = binaryLevel(['*', '/', '//', '%'], unary);
  const add = binaryLevel(['+', '-'], mul);
  const concat = binaryLevel(['~'], add);
  const and = binaryLevel(['and'], not);
  const or = binaryLevel(['or'], and);
  const postfix = (): Expr => {
    let e = primary();
    for (;;) {
      const t = peek();
      if (t === '.') {
        take();
        const name = take();
        if (!name || !/^\w+$/.test(name)) throw new Untranslatable(`expression ${JSON.stringify(source.trim())}`);
        e = { kind: 'get', of: e, key: { kind: 'lit', value: name } };
      } else if (t === '[') {
        take();
        e = { kind: 'get', of: e, key: conditional() };
        take(']');
      } else if (t === '(') throw new Untranslatable('function and method calls');
      else if (t === '|') {
        take();
        const name = take();
        if (!name || !/^\w+$/.test(name)) throw new Untranslatable(`expression ${JSON.stringify(source.trim())}`);
        const args: Expr[] = [];
        if (peek() === '(') {
          take();
          while (peek() !== ')') {
            args.push(conditional());
            if (peek() === ',') take();
            else break;
          }
          take(')');
        }
        e = { kind: 'filter', name, arg: e, args };
      } else return e;
    }
  };
  const primary = (): Expr => {
    const t = take();
    if (t === undefined) throw new Untranslatable(`expression ${JSON.stringify(source.trim())}`);
    if (/^\d/.test(t)) return { kind: 'lit', value: Number(t) };
    if (t.startsWith('"') || t.startsWith("'")) return { kind: 'lit', value: unquote(t) };
    if (t === 'true' || t === 'True') return { kind: 'lit', value: true };
    if (t === 'false' || t === 'False') return { kind: 'lit', value: false };
    if (t === 'none' || t === 'None' || t === 'null') return { kind: 'lit', value: null };
    if (t === '(') {
      const e = conditional();
      take(')');
      return e;
    }
    if (t === '[') {
      const items: Expr[] = [];
      while (peek() !== ']') {
        items.push(conditional());
        if (peek() === ',') take();
        else break;
      }
      take(']');
      return { kind: 'list', items };
    }
    if (t === '{') {
      const entries: [Expr, Expr][] = [];
      while (peek() !== '}') {
        const key = conditional();
        take(':');
        entries.push([key, conditional()]);
        if (peek() === ',') take();
        else break;
      }
      take('}');
      return { kind: 'dict', entries };
    }
    if (/^[A-Za-z_]\w*$/.test(t)) return { kind: 'name', name: t };
    throw new Untranslatable(`expression ${JSON.stringify(source.trim())}`);
  };
  const expr = conditional();
  if (pos < tokens.length) throw new Untranslatable(`expression ${JSON.stringify(source.trim())}`);
  return expr;
}

function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

// ---- Rendering ----

type Scope = Map<string, unknown>;

function renderNodes(nodes: readonly Node[], scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'out') out += printed(evaluate(node.expr, scope));
    else if (node.kind === 'set') scope.set(node.name, evaluate(node.expr, scope));
    else if (node.kind === 'if') {
      const branch = node.branches.find((b) => truthy(evaluate(b.cond, scope)));
      out += renderNodes(branch ? branch.body : node.otherwise, scope);
    } else out += renderFor(node, scope);
  }
  return out;
}

function renderFor(node: Extract<Node, { kind: 'for' }>, scope: Scope): string {
  const iter = evaluate(node.iter, scope);
  let items: unknown[][];
  if (iter === undefined || iter === null) items = [];
  else if (Array.isArray(iter)) items = iter.map((v) => (node.names.length === 2 && Array.isArray(v) ? v : [v]));
  else if (typeof iter === 'object') items = Object.entries(iter as Record<string, unknown>);
  else throw new Untranslatable(`{% for %} over a ${typeof iter}`);
  if (items.length === 0) return renderNodes(node.otherwise, scope);
  let out = '';
  items.forEach((values, i) => {
    const inner: Scope = new Map(scope);
    if (node.names.length === 2) {
      inner.set(node.names[0]!, values[0]);
      inner.set(node.names[1]!, values[1]);
    } else inner.set(node.names[0]!, values.length === 1 ? values[0] : values);
    const n = items.length;
    inner.set('loop', { index: i + 1, index0: i, revindex: n - i, revindex0: n - i - 1, first: i === 0, last: i === n - 1, length: n });
    out += renderNodes(node.body, inner);
  });
  return out;
}

/** What Nunjucks prints: nothing for undefined and null, arrays comma-joined, objects as JSON (as promptfoo's object vars print). */
export function printed(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? '' : typeof v === 'object' ? printed(v) : String(v))).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function truthy(value: unknown): boolean {
  return Boolean(value);
}

function evaluate(expr: Expr, scope: Scope): unknown {
  switch (expr.kind) {
    case 'lit':
      return expr.value;
    case 'name':
      return scope.get(expr.name);
    case 'get': {
      const of = evaluate(expr.of, scope);
      const key = evaluate(expr.key, scope);
      if (of === undefined || of === null) return undefined;
      if (typeof of === 'string' && key === 'length') return of.length;
      if (typeof of !== 'object') return undefined;
      return Object.hasOwn(of as object, String(key)) || (Array.isArray(of) && key === 'length') ? (of as Record<string, unknown>)[String(key)] : undefined;
    }
    case 'list':
      return expr.items.map((e) => evaluate(e, scope));
    case 'dict':
      return Object.fromEntries(expr.entries.map(([k, v]) => [String(evaluate(k, scope)), evaluate(v, scope)]));
    case 'unary': {
      const arg = evaluate(expr.arg, scope);
      if (expr.op === 'not') return !truthy(arg);
      return expr.op === '-' ? -Number(arg) : Number(arg);
    }
    case 'cond':
      return truthy(evaluate(expr.test, scope)) ? evaluate(expr.then, scope) : expr.otherwise ? evaluate(expr.otherwise, scope) : '';
    case 'binary':
      return binary(expr.op, expr.left, expr.right, scope);
    case 'filter':
      return filter(expr.name, evaluate(expr.arg, scope), expr.args.map((a) => evaluate(a, scope)));
  }
}

function binary(op: string, leftExpr: Expr, rightExpr: Expr, scope: Scope): unknown {
  const left = evaluate(leftExpr, scope);
  if (op === 'and') return truthy(left) ? evaluate(rightExpr, scope) : left;
  if (op === 'or') return truthy(left) ? left : evaluate(rightExpr, scope);
  const right = evaluate(rightExpr, scope);
  switch (op) {
    case '==':
    case '===':
      return left === right;
    case '!=':
    case '!==':
      return left !== right;
    case '<':
      return (left as number) < (right as number);
    case '>':
      return (left as number) > (right as number);
    case '<=':
      return (left as number) <= (right as number);
    case '>=':
      return (left as number) >= (right as number);
    case 'in':
      if (typeof right === 'string') return right.includes(String(left));
      if (Array.isArray(right)) return right.includes(left);
      if (right && typeof right === 'object') return Object.hasOwn(right, String(left));
      return false;
    case '~':
      return printed(left) + printed(right);
    case '+':
      return typeof left === 'number' && typeof right === 'number' ? left + right : (left as string) + (right as string);
    case '-':
      return Number(left) - Number(right);
    case '*':
      return Number(left) * Number(right);
    case '/':
      return Number(left) / Number(right);
    case '//':
      return Math.floor(Number(left) / Number(right));
    case '%':
      return Number(left) % Number(right);
    default:
      throw new Untranslatable(`operator ${op}`);
  }
}

function filter(name: string, value: unknown, args: unknown[]): unknown {
  const text = () => printed(value);
  switch (name) {
    case 'upper':
      return text().toUpperCase();
    case 'lower':
      return text().toLowerCase();
    case 'trim':
      return text().trim();
    case 'capitalize': {
      const t = text();
      return t.charAt(0).toUpperCase() + t.slice(1).toLowerCase();
    }
    case 'title':
      return text().replace(/\S+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
    case 'length':
    case 'count':
      if (value === undefined || value === null) return 0;
      if (typeof value === 'string' || Array.isArray(value)) return value.length;
      if (typeof value === 'object') return Object.keys(value).length;
      return 0;
    case 'default':
    case 'd':
      // Nunjucks: the default replaces undefined only, or any falsy value when the second argument is true.
      return (args[1] === true ? !truthy(value) : value === undefined) ? args[0] : value;
    case 'join': {
      if (!Array.isArray(value)) return value;
      const [sep = '', attr] = args;
      return value.map((v) => printed(attr !== undefined && v && typeof v === 'object' ? (v as Record<string, unknown>)[String(attr)] : v)).join(String(sep));
    }
    case 'first':
      return Array.isArray(value) || typeof value === 'string' ? value[0] : undefined;
    case 'last':
      return Array.isArray(value) || typeof value === 'string' ? value[value.length - 1] : undefined;
    case 'reverse':
      return Array.isArray(value) ? [...value].reverse() : text().split('').reverse().join('');
    case 'dump':
    case 'tojson':
      return JSON.stringify(value, null, typeof args[0] === 'number' ? args[0] : undefined);
    case 'load':
      // promptfoo's own filter: a JSON string parsed.
      try {
        return JSON.parse(text());
      } catch {
        throw new Untranslatable('| load of text that is not JSON');
      }
    case 'replace':
      return text().split(String(args[0] ?? '')).join(printed(args[1]));
    case 'safe':
    case 'string':
      return name === 'safe' ? value : text();
    case 'int':
      return Number.isNaN(parseInt(text(), 10)) ? (args[0] ?? 0) : parseInt(text(), 10);
    case 'float':
      return Number.isNaN(parseFloat(text())) ? (args[0] ?? 0) : parseFloat(text());
    case 'abs':
      return Math.abs(Number(value));
    case 'round': {
      const digits = typeof args[0] === 'number' ? args[0] : 0;
      return Math.round(Number(value) * 10 ** digits) / 10 ** digits;
    }
    case 'wordcount':
      return (text().match(/\w+/g) ?? []).length;
    default:
      throw new Untranslatable(`filter | ${name}`);
  }
}
