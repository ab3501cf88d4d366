// Use case 1 and the workload part of use case 7 (../shared/reference/use-cases.md), as written
// there, through the official SDK with only the preload:
//   node --import ./preload.mjs use-cases-workloads.mjs
// The images are the text's (node-20, and postgres-16 for the `data` workspace whose
// internal_ip use case 7's DATABASE_URL names; HEARTH_UC_NODE_IMAGE / HEARTH_UC_DATA_IMAGE pick
// others). Use case 1's agent (/agent/index.js) is a small one written through the runtime files
// API: it prints "agent up" and the length of OPENAI_API_KEY every 0.5 s (OPENAI_API_KEY is a
// placeholder unless set). Use case 7's `git clone ... && npm install` and `git pull && npm
// install` write /app/server.js (version 1, then 2) instead unless HEARTH_UC_FULL=1. Left out:
// use case 7's publicAccess.expose (the edge is another issue).
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const full = process.env.HEARTH_UC_FULL === '1';
const nodeImage = process.env.HEARTH_UC_NODE_IMAGE ?? 'node-20';
const dataImage = process.env.HEARTH_UC_DATA_IMAGE ?? 'postgres-16';
process.env.OPENAI_API_KEY ??= 'sk-hearth-compat-placeholder';
const step = (name) => console.log(`compat: ${name}`);
const created = [];
const track = (w) => { created.push(w.id); return w; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Calls `probe` every 200 ms until it returns something truthy; fails with `what` after `ms`. */
async function until(what, probe, ms = 20000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(200);
  }
  assert.fail(`${what}: not within ${ms} ms`);
}

/** `promise`, or a failure naming `what` after `ms`. */
async function within(what, promise, ms = 10000) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const agentSource = `const key = process.env.OPENAI_API_KEY ?? '';
const beat = () => console.log('agent up, OPENAI_API_KEY length ' + key.length);
beat();
setInterval(beat, 500);
`;

const serverSource = (version) => `const http = require('node:http');
http.createServer((req, res) => {
  res.end('api version ${version} ' + process.env.NODE_ENV + ' ' + process.env.DATABASE_URL + '\\n');
}).listen(Number(process.env.PORT));
`;

/** GET http://127.0.0.1:3000 from inside the workspace with node's fetch; the body, or null while nothing answers. */
async function answer(rt) {
  const r = await rt.exec.run(['node', '-e', "fetch('http://127.0.0.1:3000').then((r) => r.text()).then((t) => process.stdout.write(t))"]);
  return r.exit_code === 0 ? r.stdout : null;
}

try {
  step('use case 1: a home for your agent');
  const agent = track(await ws.create({
    name: 'my-agent',
    image: nodeImage,
    mode: 'permanent',
    config: {
      cpus: 4,
      memory_mb: 8192,
      allow_internet: true, // Agent needs to call LLM APIs
    },
  }));
  const agentRt = await ws.runtime(agent.id);
  await agentRt.files.write({ fullPath: '/agent/index.js', content: agentSource });
  // Deploy your agent framework as a managed workload - survives reconnects
  await ws.workloads.create(agent.id, {
    name: 'agent',
    cmd: ['node', '/agent/index.js'],
    env: { OPENAI_API_KEY: process.env.OPENAI_API_KEY },
    restart: 'on-failure',
  });

  step('use case 1: the agent is live');
  const got = await ws.workloads.get(agent.id, 'agent');
  assert.equal(got.workload.name, 'agent', JSON.stringify(got));
  assert.equal(got.workload.status, 'running', JSON.stringify(got));
  assert.equal(got.workload.restart_policy, 'on-failure', JSON.stringify(got));
  const beat = `agent up, OPENAI_API_KEY length ${process.env.OPENAI_API_KEY.length}`;
  const logs = await until('"agent up" in ws.workloads.logs', async () => {
    const l = await ws.workloads.logs(agent.id, 'agent');
    return l.logs.includes(beat) ? l : null;
  });
  assert.ok(logs.entries.some((e) => e.line === beat && e.stream === 'stdout'), JSON.stringify(logs.entries));

  step('use case 1: logsStream yields a new line');
  // Leaving the loop ends the iteration; the connection closes with the workspace's delete.
  const streamed = await within('a line from ws.workloads.logsStream', (async () => {
    for await (const entry of ws.workloads.logsStream(agent.id, 'agent')) return entry;
  })());
  assert.equal(streamed.line, beat, JSON.stringify(streamed));
  // The stream starts at the end: this line came after the read above.
  assert.ok(streamed.cursor >= logs.cursor, `streamed cursor ${streamed.cursor} < logs cursor ${logs.cursor}`);

  step('use case 1: stats show the pid and rss');
  const { stats } = await ws.workloads.stats(agent.id, 'agent');
  assert.equal(stats.pid, got.workload.pid, JSON.stringify(stats));
  assert.ok(stats.pid > 1, JSON.stringify(stats));
  assert.ok(stats.rss_bytes > 1024 * 1024, JSON.stringify(stats));
  assert.equal(stats.status, 'running', JSON.stringify(stats));

  step('use case 7: turning a workspace into a deployment');
  const data = track(await ws.create({ name: 'data', image: dataImage, mode: 'permanent', config: { allow_internet: false } }));
  // Start as a dev environment
  const deployment = track(await ws.create({
    name: 'my-api',
    image: nodeImage,
    mode: 'permanent',
    config: {
      cpus: 2,
      memory_mb: 4096,
      disk_size_mb: 20480, // 20 GB for app files and logs
    },
  }));
  // Deploy the app - via your agent, a CI pipeline, or manually
  const deployRt = await ws.runtime(deployment.id);
  const deploy = full
    ? 'git clone https://github.com/org/api.git /app && cd /app && npm install'
    : `mkdir -p /app && cat > /app/server.js <<'EOF'\n${serverSource(1)}EOF\necho deployed`;
  const deployed = await deployRt.exec.run(['bash', '-c', deploy]);
  assert.equal(deployed.exit_code, 0, deployed.stderr);
  // Run the server as a managed workload - auto-restarts on crash
  await ws.workloads.create(deployment.id, {
    name: 'api-server',
    cmd: ['node', '/app/server.js'],
    env: {
      PORT: '3000',
      DATABASE_URL: `postgres://${data.info.internal_ip}:5432/prod`,
      NODE_ENV: 'production',
    },
    restart: 'always',
  });
  const v1 = await until('api-server answering on :3000', () => answer(deployRt));
  if (!full) assert.equal(v1, `api version 1 production postgres://${data.info.internal_ip}:5432/prod\n`);

  step('use case 7: deploy updates');
  const update = full
    ? 'cd /app && git pull && npm install'
    : `cat > /app/server.js <<'EOF'\n${serverSource(2)}EOF\necho updated`;
  const updated = await deployRt.exec.run(['bash', '-c', update]);
  assert.equal(updated.exit_code, 0, updated.stderr);
  const before = (await ws.workloads.get(deployment.id, 'api-server')).workload;
  const stopped = await ws.workloads.stop(deployment.id, 'api-server');
  assert.equal(stopped.workload.status, 'stopped', JSON.stringify(stopped));
  // `restart: 'always'` does not bring back a workload stopped by a request.
  assert.equal(await answer(deployRt), null);
  const started = await ws.workloads.start(deployment.id, 'api-server');
  assert.equal(started.workload.status, 'running', JSON.stringify(started));
  assert.notEqual(started.workload.pid, before.pid);
  const v2 = await until('api-server answering with version 2', async () => {
    const body = await answer(deployRt);
    return body && (full || body.startsWith('api version 2')) ? body : null;
  });
  if (!full) assert.equal(v2, `api version 2 production postgres://${data.info.internal_ip}:5432/prod\n`);
} finally {
  for (const id of created) await ws.delete(id).catch((e) => console.error(`cleanup ${id}: ${e.message}`));
}
console.log('compat: use cases 1 and 7 (workload parts) passed');
