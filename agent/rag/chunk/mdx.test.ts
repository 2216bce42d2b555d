import { describe, expect, it } from 'vitest';
import { isMdx, stripMdx } from './mdx.ts';

const PAGE = [
  '---',
  'title: Refunds',
  '---',
  "import { Callout } from '../components/Callout'",
  'export const meta = {',
  '  draft: false,',
  '}',
  '',
  '# Refunds',
  '',
  '<Callout type="info" title="Heads > up">',
  'Refunds are paid within **14 days**.',
  '</Callout>',
  '',
  '<Tab label="Card" onClick={() => go({ to: 1 })}>Card refunds go back to the card.</Tab>',
  '{/* a note for editors',
  '   over two lines */}',
  'Use `<Refund />` in code, <br/> and <>fragments</>.',
  '',
  '```jsx',
  '<Button onClick={refund}>Refund</Button>',
  'import x from "y"',
  '```',
  '<Callout',
  '  type="warn"',
  '>Late refunds are rare.</Callout>',
].join('\n');

describe('stripMdx', () => {
  it('drops import/export blocks, JSX tags and comments, and keeps prose, code and every line number', () => {
    const stripped = stripMdx(PAGE);
    expect(stripped.split('\n')).toEqual([
      '---',
      'title: Refunds',
      '---',
      '',
      '',
      '',
      '',
      '',
      '# Refunds',
      '',
      '',
      'Refunds are paid within **14 days**.',
      '',
      '',
      'Card refunds go back to the card.',
      '',
      '',
      'Use `<Refund />` in code,  and fragments.',
      '',
      '```jsx',
      '<Button onClick={refund}>Refund</Button>',
      'import x from "y"',
      '```',
      '',
      '',
      'Late refunds are rare.',
    ]);
  });

  it('leaves a comparison in prose alone, and an "import" that does not start a paragraph', () => {
    expect(stripMdx('if a < b then\nimport duties apply')).toBe('if a < b then\nimport duties apply');
  });

  it('applies to .mdx files only', () => {
    expect([isMdx('docs/a.mdx'), isMdx('docs/A.MDX'), isMdx('docs/a.md')]).toEqual([true, true, false]);
  });
});
