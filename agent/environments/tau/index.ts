// τ-bench's airline and retail environments, ported from its Python (sierra-research/tau-bench @
// 59a200c, MIT) so Lunar can run them natively and agree with τ-bench on every observation and
// reward. The data stays outside the repository: every entry point takes the directory holding
// airline/ and retail/ (τ-bench's envs/*/data, tools.json, wiki.md, tasks.*.json).
//
// An episode loop:
//   const env = tauEnvironment('retail', dataDir);        // system prompt: env.policy; tools: env.tools
//   const episode = env.startEpisode(task);               // tasks: loadTauTasks('retail', 'test', dataDir)
//   episode.callTool(call.name, rawArgumentsText)         // -> { observation, done }
//   episode.respond(text); episode.userReplied(userText)  // done on ###STOP###
//   episode.score()                                       // -> TauReward: reward 0/1 and why
//
// Checking the port against τ-bench's recordings (`lunar tau check`):
//   checkReplays(replayTasks(domain, tasks, dataDir, { hash: true }), goldenText, file)
//   checkRewards(rescoreTrajectories(domain, readTrajectoryFile(file), dataDir), rewardsText, file)

export type { Environment, EnvironmentTool, Episode, StepResult, ToolArguments } from '../environment.ts';
export { defaultTauDataDir, tauDataDir } from './data-dir.ts';
export { checkReplays, checkRewards, parseReplayGolden, type Mismatch } from './check.ts';
export { STOP_TOKEN, tauEnvironment, TauEpisode, USER_OPENING, userSystemPrompt, type TauEnvironment } from './environment.ts';
export { TauInputError } from './input-error.ts';
export { freshState, loadTauDomain, TAU_DOMAINS, type TauDomainData, type TauTool } from './load.ts';
export { formatReplayLine, replayTask, replayTasks, type ReplayOptions, type ReplayResult } from './replay.ts';
export { scoreEpisode, type ActionView, type ScoreOptions, type TauReward, type TauStep, type WriteCheck } from './reward.ts';
export type { StateDifference } from './state-diff.ts';
export { loadTauTasks, parseTasks, RESPOND_ACTION_NAME, taskFile, type TauAction, type TauSplit, type TauTask } from './task.ts';
export type { TauDomainName } from './tool.ts';
export {
  parseTrajectories,
  readTrajectoryFile,
  rescoreTrajectories,
  type RescoreOptions,
  type RescoreResult,
  type TauTrajectory,
} from './trajectories.ts';
