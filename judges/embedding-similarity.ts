// embedding_similarity: the cosine between the final answer's embedding and the closest reference
// answer's (promptfoo's `similar`, DeepEval's semantic similarity). Deterministic for a given
// embedder, and no judge. The default `hash` embedder is offline but lexical — it measures shared
// words and word pieces, not meaning (a paraphrase with other words scores low) — so name a real
// embedding model (`openai:text-embedding-3-small`, `ollama:nomic-embed-text`) to compare meaning.

import { z } from 'zod';
import { expectedAnswers } from '../datasets/case.ts';
import { defineScorer, scored, skipped } from '../metrics/score.ts';
import { embedderDetails, embedderOption, embedTexts, similarity } from './embedding.ts';
import { noAnswer } from './inputs.ts';

const Options = z
  .object({
    embedder: z.string().trim().min(1).default('hash'),
    /** The similarity at or above which the case passes (promptfoo's default for `similar`). */
    threshold: z.number().min(0).max(1).default(0.75),
  })
  .strict();

export const embeddingSimilarity = defineScorer({
  name: 'embedding_similarity',
  options: Options,
  create(options, name) {
    const embedder = embedderOption(name, options.embedder);
    return async ({ case: c, trace }) => {
      const references = expectedAnswers(c);
      if (references.length === 0) return null;
      if (trace.finalAnswer === null) return scored(name, 0, false, noAnswer(trace), { threshold: options.threshold });
      const embedded = await embedTexts(embedder, [trace.finalAnswer, ...references], 'document');
      if (!embedded.ok) return skipped(name, embedded.reason);
      const [answer, ...others] = embedded.vectors;
      const similarities = others.map((reference) => similarity(answer!, reference));
      const value = Math.max(...similarities);
      const best = similarities.indexOf(value);
      const against = references.length > 1 ? ` (reference ${best + 1} of ${references.length})` : '';
      return scored(name, value, value >= options.threshold, `cosine ${value.toFixed(4)} with the reference answer${against} on ${embedder.id}`, {
        threshold: options.threshold,
        similarities,
        embedder: embedderDetails(embedder, embedded.usage),
      });
    };
  },
});
