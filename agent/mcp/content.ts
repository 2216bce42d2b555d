// An MCP tool result as the text a model sees and the Trace keeps. Text blocks are kept as they
// are; an embedded text resource keeps its text; what a text-only model cannot read (images,
// audio, binary resources) is described in one line, so the model knows something came back and
// a scorer can see what. A result with only structured content is that content as JSON.

import type { CallToolResult, ContentBlock } from '@modelcontextprotocol/sdk/types.js';

export function resultText(result: CallToolResult): string {
  const blocks = (result.content ?? []).map(blockText);
  if (blocks.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return blocks.join('\n');
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case 'resource_link':
      return `[resource ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    case 'resource': {
      const resource = block.resource;
      if ('text' in resource && typeof resource.text === 'string') return resource.text;
      const blob = 'blob' in resource && typeof resource.blob === 'string' ? resource.blob : '';
      return `[resource ${resource.uri}${resource.mimeType ? `, ${resource.mimeType}` : ''}, ${base64Bytes(blob)} bytes]`;
    }
    default:
      return `[${(block as { type: string }).type} content]`;
  }
}

/** The decoded size of base64 text, without decoding it. */
export function base64Bytes(data: string): number {
  const trimmed = data.replace(/\s/g, '');
  const padding = trimmed.endsWith('==') ? 2 : trimmed.endsWith('=') ? 1 : 0;
  return Math.floor((trimmed.length * 3) / 4) - padding;
}
