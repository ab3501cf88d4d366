// Terminals and the runtime WebSocket through the official SDK with only the preload:
//   node --experimental-websocket --import ./preload.mjs runtime-terminal.mjs
// (--experimental-websocket gives Node 20 the global WebSocket the SDK uses; Node 22 has it.)
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const step = (name) => console.log(`compat: ${name}`);

// Every wait is bounded: a hang fails the script instead of stalling the test run.
async function until(condition, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

step('create + runtime(id)');
const created = await ws.create({ image: 'busybox', config: { cpus: 1, memory_mb: 256 } });
let socket;
try {
  const rt = await ws.runtime(created.id);

  step('terminal.create');
  const term = await rt.terminal.create({ cols: 100, rows: 30 });
  assert.equal(term.id, '1');
  assert.deepEqual(term.command, ['/bin/sh']);
  assert.equal(term.cols, 100);
  assert.equal(term.rows, 30);

  step('terminal.list');
  const listed = await rt.terminal.list();
  assert.equal(listed.length, 1);
  assert.equal(listed[0].id, term.id);
  assert.equal(listed[0].alive, true);

  step('ws connect');
  socket = rt.ws({ reconnect: false });
  let output = '';
  const exits = [];
  socket.onTerminalOutput((id, data) => {
    if (id === term.id) output += Buffer.from(data).toString();
  });
  socket.onTerminalExit((id, code) => exits.push({ id, code }));
  await new Promise((resolve, reject) => {
    socket.onOpen(resolve);
    socket.onError(() => reject(new Error('the WebSocket failed to open')));
    socket.connect();
  });

  step('writeTerminalInput');
  socket.writeTerminalInput(term.id, 'echo hi-$((6*7))\n');
  await until(() => output.includes('hi-42'), 'the echo');

  step('resizeTerminal');
  socket.writeTerminalInput(term.id, 'stty size\n');
  await until(() => output.includes('30 100'), 'the first size');
  socket.resizeTerminal(term.id, 120, 40);
  socket.writeTerminalInput(Number(term.id), 'stty size\n');
  await until(() => output.includes('40 120'), 'the new size');

  step('terminal.scrollback');
  const scrollback = await rt.terminal.scrollback(term.id, { bytes: 4096 });
  assert.equal(scrollback.success, true);
  assert.equal(scrollback.alive, true);
  assert.ok(Buffer.from(scrollback.scrollback, 'base64').toString().includes('hi-42'));
  assert.ok(scrollback.size > 0 && scrollback.size <= 4096);

  step('onTerminalExit');
  socket.writeTerminalInput(term.id, 'exit 4\n');
  await until(() => exits.length > 0, 'the exit notice');
  assert.deepEqual(exits, [{ id: term.id, code: 4 }]);
  const ended = (await rt.terminal.list()).find((t) => t.id === term.id);
  assert.equal(ended.alive, false);
  assert.equal(ended.exit_code, 4);

  step('terminal.close');
  const closed = await rt.terminal.close(term.id);
  assert.equal(closed.terminal_id, term.id);
  assert.equal((await rt.terminal.list()).length, 0);
} finally {
  socket?.close();
  await ws.delete(created.id);
}
console.log('compat: all runtime terminal calls passed');
