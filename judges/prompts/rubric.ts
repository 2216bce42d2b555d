// G-Eval (Liu et al., 2023, "G-Eval: NLG Evaluation using GPT-4 with Better Human Alignment"):
// the judge first turns the criteria into evaluation steps (auto chain-of-thought), then follows
// them to give a 1-5 score. Reasoning comes before the score so the score follows from it.

import { z } from 'zod';
import { definePrompt } from './template.ts';

export const RUBRIC_STEPS = definePrompt({
  id: 'rubric.steps',
  system: 'You design grading procedures for answers written by an AI assistant.',
  template: `Here are the criteria an assistant's answer to a user's question will be graded on.

<criteria>
{{criteria}}
</criteria>

Write the evaluation steps a careful grader should follow to judge an answer against these criteria: 3 to 6 short, concrete steps, in order, one sentence each.`,
  schema: z.object({ steps: z.array(z.string().min(1)).min(1).max(12) }).strict(),
});

export const RUBRIC_SCORE = definePrompt({
  id: 'rubric.score',
  system:
    'You are a strict, impartial grader of answers written by an AI assistant. You follow the evaluation steps you are given and judge only against the criteria, never on length or style unless the criteria ask for it.',
  template: `<criteria>
{{criteria}}
</criteria>

<evaluation_steps>
{{steps}}
</evaluation_steps>

{{inputs}}

Follow the evaluation steps to judge the answer against the criteria. First write your reasoning, then give a score from 1 to 5:
1 = does not meet the criteria at all; 2 = meets a small part of them; 3 = meets about half; 4 = meets them with minor gaps; 5 = fully meets them.`,
  schema: z.object({ reasoning: z.string(), score: z.number().int().min(1).max(5) }).strict(),
});
