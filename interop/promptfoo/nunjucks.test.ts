// The Nunjucks subset `lunar import promptfoo` renders at import time: each expected string is
// what Nunjucks 3 (promptfoo's engine, autoescape off) prints for the same template and vars,
// worked out from Nunjucks' documented semantics.

import { describe, expect, it } from 'vitest';
import { renderNunjucks, Untranslatable } from './nunjucks.ts';

const VARS = { name: 'Bob', items: ['a', 'b', 'c'], style: '{"tone":"formal"}', n: 0, user: { city: 'Oslo', tags: ['x', 'y'] }, blank: '  hi  ' };

describe('renderNunjucks', () => {
  it('prints variables, paths and index lookups; undefined and null print nothing', () => {
    expect(renderNunjucks('Hi {{ name }} from {{user.city}} ({{ user["tags"][1] }}){{ missing }}{{ user.nope.deeper }}.', VARS)).toBe('Hi Bob from Oslo (y).');
  });

  it('applies the common filters the way Nunjucks does', () => {
    expect(renderNunjucks('{{ name | upper }} {{ name | lower }} [{{ blank | trim }}] {{ items | join(", ") }} {{ items | join }} {{ items | length }} {{ name | length }}', VARS)).toBe('BOB bob [hi] a, b, c abc 3 3');
    expect(renderNunjucks('{{ missing | default("none") }} {{ n | default(5) }} {{ n | default(5, true) }} {{ user | dump }} {{ items | tojson }}', VARS)).toBe('none 0 5 {"city":"Oslo","tags":["x","y"]} ["a","b","c"]');
    expect(renderNunjucks('{{ (style | load).tone }} {{ "hello world" | title }} {{ "hELLO" | capitalize }} {{ "a-b-a" | replace("a", "o") }} {{ items | first }}{{ items | last }}', VARS)).toBe('formal Hello World Hello o-b-o ac');
  });

  it('renders if/elif/else, comparisons and boolean operators', () => {
    const t = '{% if n %}one{% elif name == "Bob" and not missing %}bob{% else %}other{% endif %}|{{ "yes" if "b" in items else "no" }}|{% if n >= 1 or name != "Bob" %}x{% endif %}';
    expect(renderNunjucks(t, VARS)).toBe('bob|yes|');
  });

  it('renders for loops over lists and mappings, with loop variables and else', () => {
    expect(renderNunjucks('{% for i in items %}{{ loop.index }}.{{ i }}{% if not loop.last %}, {% endif %}{% endfor %}', VARS)).toBe('1.a, 2.b, 3.c');
    expect(renderNunjucks('{% for k, v in user %}{{ k }}={{ v }};{% endfor %}', VARS)).toBe('city=Oslo;tags=x,y;');
    expect(renderNunjucks('{% for i in missing %}x{% else %}empty{% endfor %}', VARS)).toBe('empty');
  });

  it('keeps white space unless a tag trims it with -, drops comments and keeps raw blocks as they are', () => {
    expect(renderNunjucks('a\n{% if true %}\nb\n{% endif %}\nc', VARS)).toBe('a\n\nb\n\nc');
    expect(renderNunjucks('a\n{%- if true -%}\nb\n{%- endif %}\nc{# note #}', VARS)).toBe('ab\nc');
    expect(renderNunjucks('{% raw %}{{ name }}{% endraw %} {% set x = name ~ "!" %}{{ x }}', VARS)).toBe('{{ name }} Bob!');
  });

  it('refuses what it does not render, naming it', () => {
    for (const [template, what] of [
      ['{% macro m() %}{% endmacro %}', '{% macro %}'],
      ['{% include "x.njk" %}', '{% include %}'],
      ['{{ name | wordwrap(5) }}', 'filter | wordwrap'],
      ['{{ name.upper() }}', 'function and method calls'],
      ['{{ x is defined }}', '`is` tests'],
      ['{% if true %}open', 'a block without {% endif %}'],
    ] as const) {
      expect(() => renderNunjucks(template, VARS), template).toThrow(Untranslatable);
      try {
        renderNunjucks(template, VARS);
      } catch (error) {
        expect((error as Untranslatable).what).toBe(what);
      }
    }
  });

  it('returns text without Nunjucks syntax unchanged', () => {
    expect(renderNunjucks('plain {text} [x]', {})).toBe('plain {text} [x]');
  });
});
