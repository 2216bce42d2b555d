// RAGAS context precision (with reference: one verdict per retrieved chunk, "was this context
// useful in arriving at the reference answer") and context recall (the reference answer's
// statements, each attributed to the retrieved context or not).

import { z } from 'zod';
import { definePrompt } from './template.ts';

export const CONTEXT_PRECISION = definePrompt({
  id: 'context_precision.chunk',
  system: 'You judge whether a retrieved passage helps answer a question.',
  template: `Given a question, its reference answer and one passage retrieved for it, decide whether the passage was useful in arriving at the reference answer: it gives some of the information the reference answer states. A passage on the topic that does not give that information is not useful.

<question>
{{question}}
</question>

<reference_answer>
{{reference}}
</reference_answer>

<passage>
{{passage}}
</passage>`,
  schema: z.object({ reason: z.string(), useful: z.boolean() }).strict(),
});

export const CONTEXT_RECALL = definePrompt({
  id: 'context_recall.attribute',
  system: 'You check which parts of a reference answer a set of retrieved passages supports.',
  template: `Split the reference answer into its statements (one per sentence, or per fact when a sentence states several). For each statement decide whether it can be attributed to the retrieved context: the context states it, or it follows from the context without outside knowledge. Give every statement with a one-sentence reason and whether it is attributed.

<question>
{{question}}
</question>

<context>
{{context}}
</context>

<reference_answer>
{{reference}}
</reference_answer>`,
  schema: z
    .object({ statements: z.array(z.object({ statement: z.string().min(1), reason: z.string(), attributed: z.boolean() }).strict()) })
    .strict(),
});
