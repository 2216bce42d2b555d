#!/usr/bin/env node
// An external agent as an exec target (agent/external/exec.ts): one JSON request on stdin, one
// JSON response on stdout. Its first argument picks how it behaves, so one file covers the cases.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const mode = process.argv[2] ?? 'ok';
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  if (mode === 'ok') {
    process.stdout.write(JSON.stringify({
      text: `exec saw ${request.input}; traceparent ${process.env.TRACEPARENT === request.traceparent ? 'matches' : 'differs'}; token ${process.env.AGENT_TOKEN ? 'set' : 'unset'}`,
      toolCalls: [{ name: 'calculator', arguments: { expression: '6*7' } }],
    }));
  } else if (mode === 'fail') {
    for (let i = 1; i <= 30; i++) process.stderr.write(`trace line ${i}\n`);
    process.stderr.write('ValueError: the model key is wrong\n');
    process.exit(3);
  } else if (mode === 'garbage') {
    process.stdout.write('Thinking... {not json');
  } else if (mode === 'hang') {
    // A grandchild in the same process group: the timeout must take it down too.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    writeFileSync(process.argv[3], String(child.pid));
    setInterval(() => {}, 1000);
  }
});
