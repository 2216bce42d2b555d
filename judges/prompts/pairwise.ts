// Pairwise comparison in the MT-Bench manner (Zheng et al., 2023): the judge sees two answers by
// position only ("answer 1", "answer 2") and is asked twice with the positions swapped, so a
// preference that follows the position and not the answer shows up as a flip.

import { z } from 'zod';
import { definePrompt } from './template.ts';

export const PAIRWISE_COMPARE = definePrompt({
  id: 'pairwise.compare',
  system:
    'You are an impartial judge comparing two answers to the same question. Neither the order in which the answers are shown nor their length may influence your verdict.',
  template: `Compare the two answers below against the criteria. Explain briefly, then give your verdict: "1" if answer 1 is better, "2" if answer 2 is better, "tie" if they are equally good or equally bad.

<criteria>
{{criteria}}
</criteria>

<question>
{{question}}
</question>

<answer_1>
{{first}}
</answer_1>

<answer_2>
{{second}}
</answer_2>`,
  schema: z.object({ reasoning: z.string(), verdict: z.enum(['1', '2', 'tie']) }).strict(),
});
