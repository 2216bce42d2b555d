// Episodes as cases: an environment suite's tasks become cases (one per task, `retail-test-0`, its
// category the domain), each attempt plays one episode with a simulated user (agent/environments/).
// Who plays the user is decided here, once per suite configuration and agent target: --user, else
// the suite's `user.target`, else the agent's own model (τ-bench's setup with one model), else, for
// a local policy (the baseline, a script), the scripted user; strategy llm unless the suite says
// otherwise, scripted for a scripted user.

import { runEpisode } from '../agent/environments/episode.ts';
import { loadTauTasks, tauEnvironment, type TauEnvironment, type TauTask } from '../agent/environments/tau/index.ts';
import { userPromptHash, userSimulator, type UserStrategy } from '../agent/environments/user/index.ts';
import { forAttempt, type Caching } from '../agent/providers/model-path.ts';
import { parseTargetId } from '../agent/providers/registry.ts';
import { capabilitiesOf } from '../agent/providers/capabilities.ts';
import type { Scheduler } from '../agent/providers/scheduler/scheduler.ts';
import type { ProviderOptions } from '../agent/providers/types.ts';
import { resolveTarget, type ResolvedTarget } from '../agent/targets.ts';
import type { Trace } from '../agent/trace.ts';
import type { Case } from '../datasets/case.ts';
import { InputError } from '../core/errors.ts';
import type { AgentRun } from './channels.ts';
import { runExternalEpisode } from '../agent/external/episode.ts';
import type { ExternalRun } from '../agent/external/turns.ts';
import type { DatasetSource, EpisodeSettings, SuiteVariant } from './suite.ts';

type TauSource = Extract<DatasetSource, { kind: 'tau' }>;

// Loading a domain reads megabytes of JSON: once per process, shared by every attempt (each
// episode still gets its own copy-on-write state).
const environments = new Map<string, TauEnvironment>();
const taskLists = new Map<string, TauTask[]>();

function environmentOf(domain: TauSource['domain'], dir: string): TauEnvironment {
  const key = `${domain}\u0000${dir}`;
  let env = environments.get(key);
  if (!env) environments.set(key, (env = tauEnvironment(domain, dir)));
  return env;
}

function tasksOf(domain: TauSource['domain'], split: TauSource['split'], dir: string): TauTask[] {
  const key = `${domain}\u0000${split}\u0000${dir}`;
  let tasks = taskLists.get(key);
  if (!tasks) taskLists.set(key, (tasks = loadTauTasks(domain, split, dir)));
  return tasks;
}

/** One case per task of the environment's split, in task order. */
export function tauCases(source: TauSource): Case[] {
  return tasksOf(source.domain, source.split, source.dir).map((task, index) => ({
    id: `${source.domain}-${source.split}-${index}`,
    category: source.domain,
    tags: [],
    episode: {
      environment: 'tau',
      domain: source.domain,
      split: source.split,
      index,
      data: source.dir,
      user_id: task.user_id,
      instruction: task.instruction,
      outputs: task.outputs,
    },
  }));
}

/** Who plays the user of one suite configuration's episodes for one agent target. */
export interface PlannedUser {
  id: string;
  strategy: UserStrategy;
  /** The user's model; none for the scripted and human users. */
  target?: ResolvedTarget;
}

const isModel = (id: string) => {
  try {
    return capabilitiesOf(parseTargetId(id).provider).generative;
  } catch {
    return false;
  }
};

/** The user's target id and strategy, before anything is resolved (bad input: exit 2, naming the suite). */
export function userChoice(settings: EpisodeSettings, override: string | undefined, agentTarget: string, file: string): { id: string; strategy: UserStrategy } {
  const chosen = override ?? settings.user.target;
  const id = chosen ?? (isModel(agentTarget) ? agentTarget : 'scripted');
  const modelPlays = isModel(id);
  // `--user human` and `--user scripted` name who plays the user, not a model: the strategy itself.
  const named = chosen === 'human' || chosen === 'scripted' ? chosen : undefined;
  const strategy = named ?? settings.user.strategy ?? (modelPlays ? 'llm' : 'scripted');
  if ((strategy === 'llm' || strategy === 'react') && !modelPlays) {
    throw new InputError(`${file}: user: the ${strategy} user needs a model (provider:model), not "${id}"; use strategy scripted or pass --user provider:model`);
  }
  return { id: strategy === 'scripted' || strategy === 'human' ? strategy : id, strategy };
}

/**
 * Resolves each user once per run (a missing key is exit 2 before anything runs, as for targets;
 * replaying needs none) and returns the user of a configuration and agent target.
 */
export function episodeUsers(override: string | undefined, providerOptions: ProviderOptions, keys: boolean) {
  const resolved = new Map<string, ResolvedTarget>();
  return (variant: SuiteVariant, agentTarget: string, file: string): PlannedUser | undefined => {
    if (!variant.episode) return undefined;
    const { id, strategy } = userChoice(variant.episode, override, agentTarget, file);
    if (strategy === 'scripted' || strategy === 'human') return { id, strategy };
    let target = resolved.get(id);
    if (!target) resolved.set(id, (target = resolveTarget(id, providerOptions, { keys })));
    return { id, strategy, target };
  };
}

/** What the lock records of the users of a plan: their model, strategy and prompt hash. */
export function usersInLock(users: readonly PlannedUser[]): { target: string; strategy: UserStrategy; promptSha256: string }[] {
  const seen = new Map<string, { target: string; strategy: UserStrategy; promptSha256: string }>();
  for (const u of users) seen.set(`${u.id}\u0000${u.strategy}`, { target: u.id, strategy: u.strategy, promptSha256: userPromptHash(u.strategy) });
  return [...seen.values()];
}

/** What the episode channel needs besides the case and the agent's run. */
export interface EpisodeContext {
  settings: EpisodeSettings;
  user: PlannedUser;
  scheduler: Scheduler;
  caching?: Caching;
  repeat: number;
}

/** What every episode of a case is played with, whoever the agent: the environment, the task, the user on its own lane and cache, the limits. */
function episodeOf(c: Case, context: EpisodeContext | undefined, seed: number | undefined) {
  const e = c.episode;
  if (!e || !context) throw new Error(`case ${c.id}: the episode channel needs an environment's case`);
  const task = tasksOf(e.domain, e.split, e.data)[e.index];
  if (!task) throw new InputError(`${e.data}: task ${e.index} of ${e.domain} ${e.split} is not there`);
  const { user, settings } = context;
  const userModel = user.target ? forAttempt(user.target.model(c), context.scheduler, context.caching, context.repeat, `${c.id} (user)`) : undefined;
  return {
    environment: environmentOf(e.domain, e.data),
    task,
    taskName: `${e.domain} ${e.split} ${e.index}`,
    user: userSimulator({ strategy: user.strategy, model: userModel, script: e.user_script, seed }),
    toolCalls: settings.toolCalls,
    maxSteps: settings.maxSteps,
  };
}

/** Plays a case's episode: its environment and task, the agent's model, a user on its own lane and cache. */
export function runEpisodeCase(c: Case, agent: AgentRun, context: EpisodeContext | undefined): Promise<Trace> {
  return runEpisode({
    ...episodeOf(c, context, agent.seed),
    model: agent.model,
    temperature: agent.temperature,
    seed: agent.seed,
    maxOutputTokens: agent.maxOutputTokens,
    signal: agent.signal,
  });
}

/** Plays a case's episode with an external agent: the environment's tools served to it over MCP (agent/external/episode.ts). */
export function runExternalEpisodeCase(c: Case, run: ExternalRun, context: EpisodeContext | undefined): Promise<Trace> {
  return runExternalEpisode({
    ...episodeOf(c, context, run.seed),
    run,
  });
}

/**
 * One line when episodes ran with a local policy against the scripted user (the default run with no
 * model reachable): the scripted user only states the task and stops, so that score says little.
 */
export function scriptedEpisodeNote(attempts: readonly { target: string; suite: string; scores: readonly { scorer: string; details?: Record<string, unknown> }[] }[]): string | undefined {
  const suites = new Set(
    attempts.filter((a) => !isModel(a.target) && a.scores.some((s) => s.scorer === 'tau_reward' && s.details?.user_strategy === 'scripted')).map((a) => a.suite),
  );
  if (suites.size === 0) return undefined;
  return `note: ${[...suites].join(', ')} ran on a local policy (the baseline or a script) with the scripted user: its τ-bench score there means little; pass -t provider:model (and --user) for a real one`;
}
