// RAGAS answer relevancy: questions generated from the answer alone (the judge never sees the
// original question here, or it would copy it), plus RAGAS's noncommittal flag. The rating prompt
// is Lunar's LLM-rated replacement for the embedding cosine (see judges/answer-relevancy.ts).

import { z } from 'zod';
import { definePrompt } from './template.ts';

export const RELEVANCY_QUESTIONS = definePrompt({
  id: 'answer_relevancy.questions',
  system: 'You infer which question an answer was written for.',
  template: `Below is an answer written by an assistant. Write {{count}} different questions that this answer answers: each a question a user could have asked to get exactly this answer. Also say whether the answer is noncommittal: evasive, vague or ambiguous, such as "I don't know" or "I'm not sure".

<answer>
{{answer}}
</answer>`,
  schema: z.object({ questions: z.array(z.string().min(1)).min(1), noncommittal: z.boolean() }).strict(),
});

export const RELEVANCY_RATE = definePrompt({
  id: 'answer_relevancy.rate',
  system: 'You compare questions by the information they ask for.',
  template: `Compare each numbered candidate question with the original question, and rate whether it asks for the same information: "same" when an answer to one fully answers the other, "partial" when they overlap but one asks for more or for something else as well, "different" when they ask for different things. Give one rating per candidate, in order: the candidate, a one-sentence reason, and the rating.

<original_question>
{{question}}
</original_question>

<candidates>
{{candidates}}
</candidates>`,
  schema: z
    .object({ ratings: z.array(z.object({ question: z.string(), reason: z.string(), match: z.enum(['same', 'partial', 'different']) }).strict()) })
    .strict(),
});
