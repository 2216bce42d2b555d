// What cases run by runCase share within one process, as the attempts of one `lunar bench` run
// share them: per Lunar home and cache mode, the model-call cache (<home>/cache.db), the knowledge
// bases, the providers' lanes (a scheduler per suite `limits:` block) and the prepared suites.
// Kept open until closeSessions() or the process ends (the cache flushes itself at exit).

import { join, resolve } from 'node:path';
import { CallCache, type CacheMode } from '../../agent/providers/cache.ts';
import type { ProviderOptions } from '../../agent/providers/types.ts';
import { KnowledgeBases } from '../../runners/knowledge.ts';
import type { Caching } from '../../agent/providers/model-path.ts';
import type { PreparedSuite } from '../../runners/plan.ts';
import { strictestLimits, type LaneLimits } from '../../agent/providers/scheduler/limits.ts';
import { Scheduler } from '../../agent/providers/scheduler/scheduler.ts';
import type { SetupContext } from './case-setup.ts';

export interface SessionOptions {
  /** Where cache.db and the knowledge indexes live (default $LUNAR_HOME, else .lunar). */
  home?: string;
  /** The model-call cache, as `lunar bench --cache` (default on). */
  cache?: CacheMode;
  /** Where providers read keys and addresses (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export class CaseSession implements SetupContext {
  readonly home: string;
  readonly mode: CacheMode;
  readonly knowledge: KnowledgeBases;
  readonly prepared = new Map<string, Promise<PreparedSuite[]>>();
  readonly providerOptions: ProviderOptions;
  readonly judge: SetupContext['judge'];
  private readonly schedulers = new Map<string, Scheduler>();
  private callCache?: CallCache;

  constructor(options: SessionOptions) {
    const env = options.env ?? process.env;
    this.home = resolve(options.home ?? env.LUNAR_HOME ?? '.lunar');
    this.mode = options.cache ?? 'on';
    this.knowledge = new KnowledgeBases(this.home);
    this.providerOptions = {
      ...(options.env ? { env: options.env } : {}),
      // As in a bench run: a retried 429 slows the provider's lane down.
      onRetry: (failure) => {
        if (failure.kind === 'rate_limited') for (const scheduler of this.schedulers.values()) scheduler.noteRateLimited(failure.provider, failure);
      },
    };
    // A replay needs no keys: every answer comes from the recording.
    this.judge = { providerOptions: this.providerOptions, keys: this.mode !== 'replay' };
  }

  /** The cache for model calls, opened on first use; undefined with --cache off. */
  caching(): Caching | undefined {
    if (this.mode === 'off') return undefined;
    this.callCache ??= new CallCache(join(this.home, 'cache.db'));
    return { cache: this.callCache, mode: this.mode };
  }

  /** One scheduler per suite `limits:` block, so cases of one suite share its lanes. */
  scheduler(limits: Record<string, LaneLimits> | undefined): Scheduler {
    const key = JSON.stringify(limits ?? {});
    let scheduler = this.schedulers.get(key);
    if (!scheduler) {
      scheduler = new Scheduler({ providers: strictestLimits([limits]) });
      this.schedulers.set(key, scheduler);
    }
    return scheduler;
  }

  async close(): Promise<void> {
    this.callCache?.close();
    this.callCache = undefined;
    await this.knowledge.close();
  }
}

const sessions = new Map<string, CaseSession>();
/** Callers passing their own environment get sessions of their own. */
const envIds = new WeakMap<NodeJS.ProcessEnv, number>();
let nextEnvId = 1;

export function sessionFor(options: SessionOptions): CaseSession {
  const env = options.env ?? process.env;
  const home = resolve(options.home ?? env.LUNAR_HOME ?? '.lunar');
  let envId = 0;
  if (options.env) {
    envId = envIds.get(options.env) ?? nextEnvId++;
    envIds.set(options.env, envId);
  }
  const key = `${home}\u0000${options.cache ?? 'on'}\u0000${envId}`;
  let session = sessions.get(key);
  if (!session) {
    session = new CaseSession({ ...options, home });
    sessions.set(key, session);
  }
  return session;
}

/** Closes every session's cache and knowledge bases (a test's afterAll; optional at process end). */
export async function closeSessions(): Promise<void> {
  const open = [...sessions.values()];
  sessions.clear();
  for (const session of open) await session.close();
}
