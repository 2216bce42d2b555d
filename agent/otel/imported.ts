// The `imported` target: it runs no agent, it hands back the finished trace a case carries (from
// `lunar import traces`), so every scorer and judge reads a production conversation exactly as
// it reads a live run. Its chat model exists for the provider table; asked to chat, it says why not.

import { capabilitiesOf } from '../providers/capabilities.ts';
import { InputError } from '../../core/errors.ts';
import type { Case } from '../../datasets/case.ts';
import type { ResolvedTarget } from '../targets.ts';
import { emptyTrace, Trace } from '../trace.ts';
import type { ChatModel, ChatResult, ProviderDefinition, StreamEvent } from '../providers/types.ts';

export class StoredTraceModel implements ChatModel {
  readonly id = 'imported';
  readonly provider = 'imported';
  readonly model = '';
  constructor(readonly stored: Case['trace'], readonly caseId?: string) {}
  async chat(): Promise<ChatResult> {
    throw new InputError(`the imported target replays each case's stored trace and makes no model calls${this.caseId ? ` (case ${this.caseId})` : ''}: use it with lunar bench on a dataset written by lunar import traces`);
  }
  // eslint-disable-next-line require-yield
  async *stream(): AsyncIterable<StreamEvent> {
    await this.chat();
  }
}

export const importedProvider: ProviderDefinition = {
  name: 'imported',
  create: () => new StoredTraceModel(undefined),
  prepare: () => (c) => new StoredTraceModel(c?.trace, c?.id),
};

/**
 * The trace an attempt replays instead of running the agent, when its target is one that replays
 * (undefined otherwise: run the agent). A case without a trace, or with one that is not a Trace,
 * is an errored attempt saying which; the trace's target becomes the attempt's.
 */
export function storedTraceFor(target: ResolvedTarget, c: Case): Trace | undefined {
  // Asked of every attempt: a target that runs an agent answers without making a model.
  if (!capabilitiesOf(target.ref.provider).replaysTrace) return undefined;
  const model = target.model(c);
  if (!(model instanceof StoredTraceModel)) return undefined;
  if (model.stored === undefined) return emptyTrace(target.id, 'error', `case ${c.id} carries no trace: the ${target.id} target replays traces written by lunar import traces`);
  const parsed = Trace.safeParse(model.stored);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return emptyTrace(target.id, 'error', `case ${c.id}: trace.${issue.path.join('.')}: ${issue.message}`);
  }
  return { ...parsed.data, target: target.id };
}
