// An environment's episode (τ-bench) played by an external agent: the environment's tools are
// served to it over MCP for the attempt (mcp-endpoint.ts), its policy is the first (system)
// message, and each turn is one request: the agent calls whatever tools it wants through the MCP
// endpoint, Lunar runs them on the episode's own state and records them, then its reply goes to
// the simulated user. The episode ends as Lunar's own does (the user's ###STOP###, a transfer, a
// terminate tool, or the limit, here counted in turns), and is scored on the state it leaves.

import { episodeRecord, episodeTrace, userEnding, type ToolCallMode } from '../environments/episode.ts';
import type { TauEnvironment } from '../environments/tau/environment.ts';
import type { TauTask } from '../environments/tau/task.ts';
import type { UserSimulator } from '../environments/user/simulator.ts';
import type { Message } from '../providers/types.ts';
import type { EpisodeRecord, ModelCallRecord, StopReason, ToolCallRecord, Trace } from '../trace.ts';
import { serveToolsOverMcp } from './mcp-endpoint.ts';
import { recordTurn, type ExternalRun } from './turns.ts';

export interface ExternalEpisodeOptions {
  environment: TauEnvironment;
  task: TauTask;
  taskName: string;
  user: UserSimulator;
  /** Turns of the agent before the episode is cut short (unended: reward 0). */
  maxSteps: number;
  /** Recorded as the episode's setting; the agent decides for itself how many calls it makes. */
  toolCalls: ToolCallMode;
  run: ExternalRun;
}

export async function runExternalEpisode(options: ExternalEpisodeOptions): Promise<Trace> {
  const started = performance.now();
  const { environment, run } = options;
  const episode = environment.startEpisode(options.task);
  const toolCalls: ToolCallRecord[] = [];
  const modelCalls: ModelCallRecord[] = [];
  let step = 0;
  const endpoint = await serveToolsOverMcp(
    environment.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      call: (args) => {
        const began = performance.now();
        const base = { step, id: `mcp_${toolCalls.length + 1}`, name: tool.name, arguments: args };
        if (episode.done) {
          toolCalls.push({ ...base, error: `call to ${tool.name} was not run: the episode had ended`, errorKind: 'not_run', latencyMs: 0 });
          return { text: 'the episode has ended', isError: true };
        }
        const { observation } = episode.callTool(tool.name, args);
        toolCalls.push({ ...base, result: observation, latencyMs: performance.now() - began });
        return { text: observation };
      },
    })),
  );
  const messages: Message[] = [{ role: 'system', content: environment.policy }];
  let endedBy: EpisodeRecord['endedBy'] = 'step_limit';
  let stopReason: StopReason = 'max_steps';
  let error: string | undefined;
  let finalAnswer: string | null = null;
  try {
    const model = run.bind(endpoint.url);
    messages.push({ role: 'user', content: await options.user.start(options.task.instruction, run.signal) });
    for (step = 1; step <= options.maxSteps; step++) {
      const result = await model.chat({ messages: [...messages], ...(run.signal ? { signal: run.signal } : {}), ...(run.callTimeoutMs ? { timeoutMs: run.callTimeoutMs } : {}) });
      // The tools ran here, through MCP: those are the calls; what the response says of them is not needed.
      const turn = recordTurn({ ...result, toolCalls: [] }, step, messages.length);
      modelCalls.push(turn.modelCall);
      messages.push(turn.assistant);
      finalAnswer = result.text;
      if (episode.done) {
        endedBy = 'terminate_tool';
      } else {
        episode.respond(result.text);
        const answer = await options.user.reply(result.text, run.signal);
        messages.push({ role: 'user', content: answer });
        endedBy = userEnding(episode, answer) ?? endedBy;
      }
      if (endedBy !== 'step_limit') {
        stopReason = 'final';
        break;
      }
    }
    step = Math.min(step, options.maxSteps);
  } catch (caught) {
    stopReason = run.signal?.aborted ? 'aborted' : 'error';
    error = caught instanceof Error ? caught.message : String(caught);
  } finally {
    await endpoint.close();
  }
  const record = episodeRecord({ ...options, toolCalls: options.toolCalls }, episode, endedBy, step);
  return episodeTrace({ target: run.target, messages, modelCalls, toolCalls, finalAnswer, stopReason, ...(error === undefined ? {} : { error }), startedAt: started, episode: record });
}
