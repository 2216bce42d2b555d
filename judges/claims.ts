// The claims an answer makes, each checked against a source text: RAGAS faithfulness's two steps
// (statement generation, then NLI with a binary verdict), shared by faithfulness and
// hallucination. RAGAS sends the statements and the source in one NLI call, as here.

import type { JudgeModel, JudgeResult } from './core.ts';
import { askJudge } from './core.ts';
import { numbered } from './inputs.ts';
import { CLAIMS_EXTRACT, CLAIMS_VERIFY } from './prompts/claims.ts';
import type { JudgeUsage } from './usage.ts';

export interface ClaimVerdict {
  claim: string;
  supported: boolean;
  reason: string;
}

/** Every claim of `answer` with its verdict against `source`; an empty list when the answer claims nothing. */
export async function checkClaims(
  judge: JudgeModel,
  input: { question: string; answer: string; source: string },
  usage: JudgeUsage,
): Promise<JudgeResult<ClaimVerdict[]>> {
  const extracted = await askJudge(judge, CLAIMS_EXTRACT, { question: input.question, answer: input.answer }, usage);
  if (!extracted.ok) return extracted;
  const claims = extracted.value.claims;
  if (claims.length === 0) return { ok: true, value: [] };
  const verified = await askJudge(judge, CLAIMS_VERIFY, { source: input.source, claims: numbered(claims) }, usage, {
    check: (reply) => (reply.verdicts.length === claims.length ? undefined : `${claims.length} claims were given but ${reply.verdicts.length} verdicts came back; give exactly one per claim`),
  });
  if (!verified.ok) return verified;
  // The claim as extracted, not as the judge copied it back.
  return { ok: true, value: verified.value.verdicts.map((v, i) => ({ claim: claims[i]!, supported: v.supported, reason: v.reason })) };
}

export function countSupported(verdicts: readonly ClaimVerdict[]): number {
  return verdicts.filter((v) => v.supported).length;
}
