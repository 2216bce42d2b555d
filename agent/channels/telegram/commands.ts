// What /help, /reset and /memory say. Replies are plain text: they hold no formatting to refuse.

import type { ChatSessions } from '../sessions.ts';

export interface CommandContext {
  key: string;
  sessions: ChatSessions;
  modelId: string;
  toolNames: readonly string[];
}

export function helpText(context: Pick<CommandContext, 'modelId' | 'toolNames'> & { sessions?: ChatSessions }): string {
  const tools = context.toolNames.length ? ` with these tools: ${context.toolNames.join(', ')}` : '';
  return [
    `I am an agent running ${context.modelId}${tools}.`,
    'Write to me and I answer; everything in this chat is one conversation.',
    context.sessions?.memory ? '/reset — start a new conversation (what I saved to memory stays)' : '/reset — start a new conversation (I forget this one)',
    '/memory — what I remember',
    '/help — this message',
  ].join('\n');
}

export async function resetText(context: CommandContext): Promise<string> {
  await context.sessions.reset(context.key);
  if (context.sessions.memory) return 'Started a new conversation. What I saved to long-term memory stays: /memory shows it.';
  return 'Started a new conversation: I have forgotten what we said before.';
}

export async function memoryText(context: CommandContext): Promise<string> {
  if (context.sessions.memory) {
    const memory = (await context.sessions.memory(context.key)).trim();
    return memory || 'My long-term memory is empty.';
  }
  const { messages } = await context.sessions.load(context.key);
  const yours = messages.filter((m) => m.role === 'user').length;
  return `I have no long-term memory set up: I remember only this conversation (${yours} message${yours === 1 ? '' : 's'} from you since the last /reset).`;
}
