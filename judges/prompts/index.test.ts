import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JUDGE_PROMPTS, judgePromptHashes } from './index.ts';
import { definePrompt, promptHash, renderTemplate, TemplateError } from './template.ts';

describe('judge prompts', () => {
  it('lists every prompt once, in id order, with a SHA-256 content hash', () => {
    const hashes = judgePromptHashes();
    expect(hashes.map((h) => h.name)).toEqual([
      'answer_relevancy.questions',
      'answer_relevancy.rate',
      'claims.extract',
      'claims.verify',
      'context_precision.chunk',
      'context_recall.attribute',
      'hallucination.reference_free',
      'judge.core',
      'pairwise.compare',
      'rubric.score',
      'rubric.steps',
      'user_check.fault',
    ]);
    for (const h of hashes) expect(h.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(hashes.map((h) => h.sha256)).size).toBe(JUDGE_PROMPTS.length + 1);
  });

  it('changes the hash when the template, the system text or the reply schema changes, and only then', () => {
    const base = definePrompt({ id: 'p', system: 's', template: 't {{x}}', schema: z.object({ a: z.string() }).strict() });
    const hash = promptHash(base);
    expect(promptHash({ ...base })).toBe(hash);
    expect(promptHash({ ...base, template: 't  {{x}}' })).not.toBe(hash);
    expect(promptHash({ ...base, system: 'S' })).not.toBe(hash);
    expect(promptHash({ ...base, schema: z.object({ a: z.number() }).strict() })).not.toBe(hash);
  });

  it('fills every slot of a template and refuses to leave one empty', () => {
    expect(renderTemplate('Q: {{question}}\nA: {{answer}} ({{question}})', { question: 'why?', answer: 'because' })).toBe('Q: why?\nA: because (why?)');
    expect(() => renderTemplate('{{question}} {{answer}}', { question: 'q' })).toThrow(new TemplateError('judge template slot {{answer}} was not filled'));
  });

  it('fills every slot its judge gives it: no template names a slot outside its known inputs', () => {
    const slots = Object.fromEntries(JUDGE_PROMPTS.map((p) => [p.id, [...p.template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()]));
    expect(slots).toEqual({
      'rubric.steps': ['criteria'],
      'rubric.score': ['criteria', 'inputs', 'steps'],
      'claims.extract': ['answer', 'question'],
      'claims.verify': ['claims', 'source'],
      'answer_relevancy.questions': ['answer', 'count'],
      'answer_relevancy.rate': ['candidates', 'question'],
      'context_precision.chunk': ['passage', 'question', 'reference'],
      'context_recall.attribute': ['context', 'question', 'reference'],
      'pairwise.compare': ['criteria', 'first', 'question', 'second'],
      'hallucination.reference_free': ['query', 'response'],
      'user_check.fault': ['conversation', 'instruction', 'outcome'],
    });
  });
});
