// An external agent for τ-bench episodes (agent/external/episode.ts) that reaches the environment
// only through the MCP endpoint in its request, as an agent framework with MCP support would. It
// knows the answers: on its first turn it makes the task's ground-truth calls (read from the task
// file the test names in TAU_SOLVER_DATA) through MCP, then says the task's outputs. `idle` makes no call at all.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { toJs } from '../../../agent/environments/python/value.ts';
import { loadTauTasks } from '../../../agent/environments/tau/index.ts';

interface Request {
  input: string;
  messages: { role: string; content: string }[];
  vars: Record<string, unknown>;
  mcpUrl?: string;
}

export async function solver(request: Request): Promise<unknown> {
  if (!request.mcpUrl) throw new Error('no mcpUrl in the request');
  if (request.messages[0]?.role !== 'system' || !request.messages[0].content.includes('retail')) throw new Error('the policy is not the first message');
  const [domain, split, index] = String(request.vars.case_id).split('-') as ['retail', 'test', string];
  // The test names the data folder it gave the suite.
  const task = loadTauTasks(domain, split, process.env.TAU_SOLVER_DATA!)[Number(index)]!;
  if (request.messages.length > 2) return { text: 'Anything else?' };
  const client = new Client({ name: 'tau-solver', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(request.mcpUrl)));
  try {
    const listed = await client.listTools();
    if (!listed.tools.some((t) => t.name === 'get_order_details')) throw new Error(`the retail tools are not offered: ${listed.tools.map((t) => t.name).join(', ')}`);
    for (const action of task.actions) await client.callTool({ name: action.name, arguments: toJs(action.kwargs) as Record<string, unknown> });
  } finally {
    await client.close();
  }
  return { text: `Done. ${task.outputs.join(', ')}` };
}

export function idle(): unknown {
  return { text: 'I cannot help with that.' };
}
