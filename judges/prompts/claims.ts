// RAGAS faithfulness, in its two steps: the answer broken into standalone statements (RAGAS's
// statement generator), then each statement checked against a source text (its NLI step, with a
// binary verdict). The hallucination judge reuses both, against the context or the reference.

import { z } from 'zod';
import { definePrompt } from './template.ts';

export const CLAIMS_EXTRACT = definePrompt({
  id: 'claims.extract',
  system: 'You break answers into simple factual statements.',
  template: `Below are a question and an answer to it. Break the answer into the factual claims it makes. Each claim is one standalone sentence that states one fact and can be understood without the question or the other claims (replace pronouns with what they refer to). Cover everything the answer asserts. Leave out greetings, offers of further help, questions back to the user and remarks about the assistant itself. An answer that asserts nothing (a refusal, "I don't know") has no claims: give an empty list.

<question>
{{question}}
</question>

<answer>
{{answer}}
</answer>`,
  schema: z.object({ claims: z.array(z.string().min(1)) }).strict(),
});

export const CLAIMS_VERIFY = definePrompt({
  id: 'claims.verify',
  system: 'You check statements against a source text (natural language inference).',
  template: `For each numbered claim, decide whether it can be directly inferred from the source below. A claim is supported only when the source states it or it follows from the source without outside knowledge; a claim the source does not mention, or contradicts, is not supported. Give one verdict per claim, in the same order: the claim, a one-sentence reason, and whether it is supported.

<source>
{{source}}
</source>

<claims>
{{claims}}
</claims>`,
  schema: z
    .object({ verdicts: z.array(z.object({ claim: z.string(), reason: z.string(), supported: z.boolean() }).strict()) })
    .strict(),
});
