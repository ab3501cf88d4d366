// The runtime calls of the use cases that exist so far (exec), through the official SDK with
// only the preload: node --import ./preload.mjs runtime-exec.mjs
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const step = (name) => console.log(`compat: ${name}`);

step('create + runtime(id)');
const created = await ws.create({ image: 'busybox', config: { cpus: 1, memory_mb: 256 } });
try {
  const rt = await ws.runtime(created.id);

  step('exec.run');
  const result = await rt.exec.run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(result.exit_code, 3);
  assert.equal(result.stdout, 'out\n');
  assert.equal(result.stderr, 'err\n');
  assert.equal(result.status, 'exited');

  step('exec.run with shell syntax in one string (exec_mode auto)');
  const piped = await rt.exec.run(['echo hello | tr a-z A-Z']);
  assert.equal(piped.stdout, 'HELLO\n');

  step('exec.stream');
  const events = [];
  for await (const e of rt.exec.stream(['sh', '-c', 'echo one; echo two >&2'])) events.push(e);
  assert.equal(events[0].event, 'task_id');
  const out = events.filter((e) => e.event === 'stdout').map((e) => Buffer.from(e.data, 'base64').toString()).join('');
  const err = events.filter((e) => e.event === 'stderr').map((e) => Buffer.from(e.data, 'base64').toString()).join('');
  assert.equal(out, 'one\n');
  assert.equal(err, 'two\n');
  assert.equal(events.at(-1).event, 'exit');
  assert.equal(events.at(-1).exit_code, 0);

  step('exec.get / list');
  const task = await rt.exec.get(events[0].task_id);
  assert.equal(task.exit_code, 0);
  assert.ok((await rt.exec.list()).some((t) => t.id === events[0].task_id));
} finally {
  await ws.delete(created.id);
}
console.log('compat: all runtime exec calls passed');
