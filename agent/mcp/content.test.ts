import { describe, expect, it } from 'vitest';
import { base64Bytes, resultText } from './content.ts';

describe('resultText', () => {
  it('joins text blocks with newlines', () => {
    expect(resultText({ content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] })).toBe('one\ntwo');
  });

  it('describes an image by its type and decoded size ("hello" is aGVsbG8=, 5 bytes)', () => {
    expect(resultText({ content: [{ type: 'image', mimeType: 'image/png', data: 'aGVsbG8=' }] })).toBe('[image image/png, 5 bytes]');
  });

  it('keeps the text of an embedded text resource and describes a binary one ("hi" is aGk=, 2 bytes)', () => {
    const text = { type: 'resource' as const, resource: { uri: 'file:///a.md', text: '# A' } };
    const blob = { type: 'resource' as const, resource: { uri: 'file:///a.bin', mimeType: 'application/octet-stream', blob: 'aGk=' } };
    expect(resultText({ content: [text, blob] })).toBe('# A\n[resource file:///a.bin, application/octet-stream, 2 bytes]');
  });

  it('names a resource link by its uri and name', () => {
    expect(resultText({ content: [{ type: 'resource_link', uri: 'file:///r.txt', name: 'r.txt' }] })).toBe('[resource file:///r.txt (r.txt)]');
  });

  it('gives structured content as JSON when there is no content block', () => {
    expect(resultText({ content: [], structuredContent: { sum: 3 } })).toBe('{"sum":3}');
  });
});

describe('base64Bytes', () => {
  it('counts decoded bytes with one, two or no padding characters', () => {
    expect([base64Bytes('aGk='), base64Bytes('aGVsbG8='), base64Bytes('aGVsbG8h'), base64Bytes('aA==')]).toEqual([2, 5, 6, 1]);
  });
});
