// Who caused a failed episode: the simulated user or the agent. τ²-bench reports that up to 30%
// of failed episodes come from the user simulator (it forgets a detail of its instruction, asks
// for something else, stops early) rather than the agent; τ-bench's own error analysis asks a
// model the same question. The judge sees the user's instruction, what the reward found wrong and
// the conversation, and reasons before it names the fault, so the label follows from the reasons.

import { z } from 'zod';
import { definePrompt } from './template.ts';

export const USER_CHECK = definePrompt({
  id: 'user_check.fault',
  system:
    'You audit conversations between a simulated customer (a language model playing a user from a written instruction) and a customer-service agent that uses tools. You decide, impartially, whether a failed conversation failed because the simulated user did not follow its instruction or because the agent did not do its job.',
  template: `The simulated user was given this instruction, which the agent never saw:

<instruction>
{{instruction}}
</instruction>

The episode failed. What the automatic check found wrong:

<outcome>
{{outcome}}
</outcome>

The conversation (user, agent, and the agent's tool calls with their results):

<conversation>
{{conversation}}
</conversation>

Decide whose fault the failure is.
- "user": the simulated user departed from its instruction: it gave details that differ from the instruction, asked for something the instruction does not ask for, left out a request the instruction makes, accepted or refused what the instruction says otherwise, or ended the conversation before its goal could be met. An agent following its policy could not have reached the instruction's outcome from what this user said.
- "agent": the user followed its instruction closely enough, and the agent failed: a wrong or missing tool call, wrong arguments, a policy not followed, a wrong or missing piece of information told to the user, or ending without finishing.
First write your reasoning, citing the turns that decide it, then give the fault.`,
  schema: z.object({ reasoning: z.string(), fault: z.enum(['user', 'agent']) }).strict(),
});
