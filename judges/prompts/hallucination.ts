// A reference-free hallucination check (HaluEval's labelling question): no context or reference
// is given, so the judge decides from the query and its own knowledge whether the response holds
// false, unverifiable or unsupported content. The claims prompts cannot serve here: they check
// statements against a source text, and there is none. `lunar judge calibrate` asks it of
// HaluEval rows; the verdict's words are HaluEval's labels, so they compare as they are.

import { z } from 'zod';
import { definePrompt } from './template.ts';

export const HALLUCINATION_REFERENCE_FREE = definePrompt({
  id: 'hallucination.reference_free',
  system: 'You check a response to a user query for hallucinated content, from the query and your own knowledge.',
  template: `Decide whether the response below contains hallucinated content: information that is false, that cannot be verified, or that the query does not support (details the response invents). Opinions, refusals, requests for more information and statements of common knowledge are not hallucinations. Explain briefly, then answer "yes" if the response contains hallucinated content and "no" if it does not.

<query>
{{query}}
</query>

<response>
{{response}}
</response>`,
  schema: z.object({ reasoning: z.string(), hallucination: z.enum(['yes', 'no']) }).strict(),
});
