// The use cases' catalogue images (../shared/reference/use-cases.md) through the official SDK
// with only the preload:   node --import ./preload.mjs use-cases-images.mjs
// As written there: use case 5's three workspaces (node-20 agent, postgres-16 data, node-20 app)
// with `psql -h <data ip> -U postgres` from the agent; "Whitelisted connections" (node-20 wsA,
// postgres-16 wsB); use case 4's runUserCode on python-3.12 running python3. hearthd maps
// python-3.12 to python-3.13 (image_aliases: no registry here has 3.12). Left out: use case 5's
// publicAccess.expose (the edge is another issue).
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const step = (name) => console.log(`compat: ${name}`);
const created = [];
const track = (w) => { created.push(w.id); return w; };

/** psql from `from` to `to`, as the use cases write it, plus a query that proves the session. */
async function psql(from, to) {
  const rt = await ws.runtime(from.id);
  // Exactly the use case's command: with stdin closed, psql connects, reads EOF and exits 0.
  const bare = await rt.exec.run(['psql', '-h', to.info.internal_ip, '-U', 'postgres']);
  const query = await rt.exec.run(['psql', '-h', to.info.internal_ip, '-U', 'postgres', '-tAc', 'select inet_server_addr()']);
  return { bare, query };
}

/** Polls until the postgres image's default command (the server) accepts connections. */
async function untilPostgresAnswers(from, to) {
  for (let i = 0; i < 60; i++) {
    const { bare, query } = await psql(from, to);
    if (query.exit_code === 0) return { bare, query };
    await new Promise((r) => setTimeout(r, 500));
  }
  return psql(from, to);
}

try {
  step('use case 5: agent (node-20), data (postgres-16), app (node-20)');
  const agent = track(await ws.create({
    name: 'agent',
    image: 'node-20',
    mode: 'permanent',
    config: { cpus: 4, memory_mb: 8192, allow_internet: true },
  }));
  const data = track(await ws.create({
    name: 'agent-data',
    image: 'postgres-16',
    mode: 'permanent',
    config: {
      allow_internet: false,
      ingress: [agent.info.internal_ip], // Agent only
    },
  }));
  const app = track(await ws.create({
    name: 'agent-app',
    image: 'node-20',
    mode: 'permanent',
    config: {
      allow_internet: false,
      ingress: [agent.info.internal_ip, data.info.internal_ip, '0.0.0.0/0'],
    },
  }));
  const { bare, query } = await untilPostgresAnswers(agent, data);
  assert.equal(query.exit_code, 0, query.stderr);
  assert.equal(query.stdout.trim(), data.info.internal_ip);
  assert.equal(bare.exit_code, 0, bare.stderr);
  step('use case 5: the app, not admitted by data, is refused');
  const fromApp = await psql(app, data);
  assert.notEqual(fromApp.query.exit_code, 0);
  assert.match(fromApp.query.stderr, /refused/);

  step('whitelisted connections: wsA (node-20) reaches wsB (postgres-16)');
  const wsA = track(await ws.create({ image: 'node-20', mode: 'permanent' }));
  const wsB = track(await ws.create({
    image: 'postgres-16',
    mode: 'permanent',
    config: { allow_internet: false, ingress: [wsA.info.internal_ip] },
  }));
  const ab = await untilPostgresAnswers(wsA, wsB);
  assert.equal(ab.query.exit_code, 0, ab.query.stderr);
  assert.equal(ab.bare.exit_code, 0, ab.bare.stderr);

  step('use case 4: user code in python-3.12');
  async function runUserCode(code) {
    const isolated = track(await ws.create({
      image: 'python-3.12',
      config: { ttl: '5m', remove_on_exit: true, allow_internet: false, ingress: [] },
    }));
    const rt = await ws.runtime(isolated.id);
    await rt.files.write({ fullPath: '/task/run.py', content: code });
    return rt.exec.run(['python3', '/task/run.py']);
  }
  const result = await runUserCode('import ssl, sqlite3, sys\nprint(sum(range(10)), sys.version_info[0])\n');
  assert.equal(result.exit_code, 0, result.stderr);
  assert.equal(result.stdout, '45 3\n');

  step('images.list shows the alias and the real versions');
  const list = await ws.images.list();
  const alias = list.images.find((i) => i.id === 'python-3.12');
  assert.equal(alias.alias_of, 'python-3.13');
  const node = list.images.find((i) => i.id === 'node-20');
  assert.ok(node.software.some((s) => /^node 20\./.test(s)), JSON.stringify(node.software));
} finally {
  for (const id of created) await ws.delete(id).catch((e) => console.error(`cleanup ${id}: ${e.message}`));
}
console.log('compat: use case images passed');
