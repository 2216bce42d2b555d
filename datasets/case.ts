// A Case is one dataset line. The schema is strict: a misspelt field is an error, not a silently
// ignored expectation.

import { z } from 'zod';
import type { FunctionDoc, GroundTruthCall } from './bfcl/types.ts';

export const ExpectedToolCall = z
  .object({
    name: z.string().min(1),
    /** Arguments that must be present with these values; arguments not named here are not checked. */
    arguments: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** One step of a scripted target's reply: text, tool calls, or both. */
export const ScriptStep = z
  .object({
    text: z.string().optional(),
    tool_calls: z
      .array(
        z
          .object({
            /** Optional: a recorded call id to replay; generated when absent. */
            id: z.string().min(1).optional(),
            name: z.string().min(1),
            arguments: z.record(z.string(), z.unknown()).default({}),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()
  .refine((s) => s.text !== undefined || (s.tool_calls?.length ?? 0) > 0, { message: 'a script step needs text or tool_calls' });

export const CaseMessage = z
  .object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })
  .strict();

/** The fields any one of which gives a case something to check. */
const EXPECTATIONS = [
  'expected_tool_calls',
  'expected_contains',
  'expected_no_tool',
  'relevant',
  'expected_answer',
  'forbidden_tools',
  'forbidden_contains',
  'expected_refusal',
  'rubric',
] as const;

/**
 * A Berkeley Function Calling Leaderboard entry (datasets/bfcl/cases.ts reads them from BFCL's own
 * files): its category picks BFCL's checker, its functions are the tools offered, its possible
 * answers the expectation (none for irrelevance). Values keep BFCL's int/float distinction
 * (datasets/bfcl/parse.ts), so this field is built by the loader, never read from JSONL.
 */
export const BfclExpectation = z
  .object({
    category: z.string().min(1),
    // live_irrelevance has entries that offer no function at all.
    functions: z.array(z.custom<FunctionDoc>((v) => typeof v === 'object' && v !== null)),
    ground_truth: z.array(z.custom<GroundTruthCall>((v) => typeof v === 'object' && v !== null)).optional(),
    /** Offer the functions with "." in names as "_" and compare so (BFCL's underscore_to_dot): OpenAI and Groq refuse dots. */
    underscore_to_dot: z.boolean().default(true),
  })
  .strict();

/**
 * A multi-turn episode in a stateful environment with a simulated user (τ-bench's airline and
 * retail): the loader builds it from the environment's task file, one case per task. The task's
 * ground truth stays in the task file, read again by the episode channel, because its arguments
 * keep Python's types (100.0 a float), which JSON read into JavaScript would lose.
 */
export const EpisodeTask = z
  .object({
    environment: z.literal('tau'),
    domain: z.enum(['airline', 'retail']),
    split: z.enum(['test', 'dev', 'train']),
    /** 0-based position of the task in its file. */
    index: z.number().int().nonnegative(),
    /** The environment's data folder (absolute). */
    data: z.string().min(1),
    user_id: z.string(),
    /** What the simulated user is told to do. */
    instruction: z.string(),
    /** Strings the agent must say (τ-bench's outputs). */
    outputs: z.array(z.string()),
    /** The scripted user's lines, in order; absent: the instruction, then ###STOP###. */
    user_script: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

export const Case = z
  .object({
    id: z.string().min(1),
    input: z.string().min(1).optional(),
    messages: z.array(CaseMessage).min(1).optional(),
    /**
     * A conversation over several sessions (agent/memory/run-sessions.ts): each session a fresh
     * conversation sharing one memory, given as the user's turns; the expectations are about the
     * answer to the last turn of the last session.
     */
    sessions: z.array(z.array(z.string().min(1)).min(1)).min(1).optional(),
    /** Reports group by it; a dataset with no categories is one group, `default`. */
    category: z.string().min(1).default('default'),
    tags: z.array(z.string()).default([]),
    /** Tools offered to the agent for this case; default: every tool the suite offers. */
    tools: z.array(z.string()).optional(),
    expected_tool_calls: z.array(ExpectedToolCall).min(1).optional(),
    expected_contains: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    expected_no_tool: z.boolean().optional(),
    /**
     * Documents (corpus-relative paths) or chunks (`path#index`) that answer the question, for
     * retrieval metrics; a bare id is grade 1, graded relevance as { id, grade }.
     */
    relevant: z.array(z.union([z.string().min(1), z.object({ id: z.string().min(1), grade: z.number().int() }).strict()])).optional(),
    /**
     * The reference answer, or several acceptable ones (as SQuAD lists one per annotator): for
     * exact_match, squad_*, rouge_l, judges and for reading reports. Read it through expectedAnswers.
     */
    expected_answer: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Tools that must not be called (a prompt-injection case names the tool it tries to trigger). */
    forbidden_tools: z.array(z.string().min(1)).min(1).optional(),
    /** Strings that must not appear in the final answer (a planted canary, the system prompt). */
    forbidden_contains: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** true: the agent must refuse; false: it must not (an over-refusal check). */
    expected_refusal: z.boolean().optional(),
    /**
     * What a good answer to this case does, in plain words, for the `rubric` scorer when the suite
     * gives it no criteria of its own (promptfoo's per-test llm-rubric); several are graded as one
     * list that must all hold.
     */
    rubric: z.union([z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1)]).optional(),
    /**
     * Strings no memory write may store (a password the user typed): memory_excludes checks them.
     * Not an expectation on its own: a case that plants a secret also checks the answer for it
     * (forbidden_contains), since an agent could leak it without storing it.
     */
    forbidden_in_memory: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Replies for the `scripted` target. */
    script: z.array(ScriptStep).min(1).optional(),
    bfcl: BfclExpectation.optional(),
    episode: EpisodeTask.optional(),
    /**
     * A finished trace (agent/trace.ts's Trace, checked when it is replayed) that `lunar import
     * traces` read from OpenTelemetry exports: the `imported` target replays it instead of running an
     * agent, so production conversations are scored offline. It needs no expectation (judges and run
     * facts score it) and no input when the spans carried none.
     */
    trace: z.record(z.string(), z.unknown()).optional(),
    notes: z.string().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    // An episode's conversation comes from its simulated user, not from the case.
    const given = [c.input, c.messages, c.sessions].filter((g) => g !== undefined).length;
    if (c.episode === undefined && (c.trace === undefined ? given !== 1 : given > 1)) {
      ctx.addIssue({ code: 'custom', path: ['input'], message: 'give exactly one of "input", "messages" or "sessions"' });
    }
    if (c.messages && c.messages[c.messages.length - 1]?.role !== 'user') {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: 'the last message must be from the user' });
    }
    // A BFCL entry's possible answers are its expectation (the loader builds it: not a JSONL field to name).
    // An episode's ground truth is its expectation (in the task file the loader read).
    if (!EXPECTATIONS.some((field) => c[field] !== undefined) && c.bfcl === undefined && c.episode === undefined && c.trace === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['expected_tool_calls'],
        message: `a case needs an expectation: ${EXPECTATIONS.slice(0, -1).join(', ')} or ${EXPECTATIONS[EXPECTATIONS.length - 1]}`,
      });
    }
    if (c.expected_no_tool && c.expected_tool_calls) {
      ctx.addIssue({ code: 'custom', path: ['expected_no_tool'], message: 'cannot expect no tool and tool calls at once' });
    }
  });

export type Case = z.infer<typeof Case>;
export type ExpectedToolCall = z.infer<typeof ExpectedToolCall>;
export type ScriptStep = z.infer<typeof ScriptStep>;
export type EpisodeTask = z.infer<typeof EpisodeTask>;

/**
 * The conversation a case starts the agent with. For a multi-session case, every user turn of
 * every session in order (what the agent is told over the case; run it with runSessions).
 */
export function caseMessages(c: Case): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  if (c.sessions) return c.sessions.flat().map((content) => ({ role: 'user', content }));
  if (c.episode && !c.messages && c.input === undefined) return [{ role: 'user', content: c.episode.instruction }];
  // An imported trace whose spans carried no user message has no conversation to start from.
  return c.messages ?? (c.input === undefined ? [] : [{ role: 'user', content: c.input }]);
}

/** Strings no memory write may store; empty when the case gives none. */
export function forbiddenInMemory(c: Case): string[] {
  return asList(c.forbidden_in_memory);
}

/** Relevance judgments of a case as id → grade. */
export function relevanceOf(c: Case): Map<string, number> {
  return new Map((c.relevant ?? []).map((r) => (typeof r === 'string' ? [r, 1] : [r.id, r.grade])));
}

export function expectedContains(c: Case): string[] {
  return asList(c.expected_contains);
}

/** The acceptable reference answers; empty when the case gives none. */
export function expectedAnswers(c: Case): string[] {
  return asList(c.expected_answer);
}

/** Strings the final answer must not contain; empty when the case gives none. */
export function forbiddenContains(c: Case): string[] {
  return asList(c.forbidden_contains);
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
