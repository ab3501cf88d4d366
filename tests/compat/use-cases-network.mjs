// The private-network parts of the use cases (../shared/reference/use-cases.md: "Internal
// networking", use cases 5 and 9) through the official SDK with only the preload:
//   node --import ./preload.mjs use-cases-network.mjs
// The images differ from the text (node-20 and postgres-16 come with the image catalogue;
// HEARTH_UC_IMAGE picks one, default busybox) and a busybox `nc` listener stands in for postgres
// on 5432. Connections are made from inside the workspaces through the runtime API, as the use
// cases do with `psql -h <internal_ip>`.
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const image = process.env.HEARTH_UC_IMAGE ?? 'busybox';
const step = (name) => console.log(`compat: ${name}`);
const created = [];

async function make(params) {
  const w = await ws.create({ image, mode: 'permanent', ...params });
  created.push(w.id);
  assert.match(w.info.internal_ip, /^10\.\d+\.\d+\.\d+$/);
  return w;
}

/** A TCP service on `port` that answers every connection with `name`. */
async function serve(w, port, name) {
  const rt = await ws.runtime(w.id);
  const r = await rt.exec.run(['sh', '-c', `nc -ll -p ${port} -e echo ${name} >/dev/null 2>&1 &`]);
  assert.equal(r.exit_code, 0, r.stderr);
}

/** What `from` gets connecting to `to` on `port`: the service's name, or null when refused. */
async function connect(from, to, port) {
  const rt = await ws.runtime(from.id);
  const r = await rt.exec.run(['sh', '-c', `nc -w 2 ${to.info.internal_ip} ${port} </dev/null`]);
  return r.exit_code === 0 ? r.stdout.trim() : null;
}

try {
  step('internal networking: by default nothing can reach anything');
  const wsA = await make({ name: 'ws-a' });
  const isolated = await make({ name: 'isolated', config: { allow_internet: false } });
  await serve(isolated, 5432, 'isolated');
  assert.equal(await connect(wsA, isolated, 5432), null);

  step('whitelisted: wsB accepts only wsA');
  const wsB = await make({ name: 'ws-b', config: { allow_internet: false, ingress: [wsA.info.internal_ip] } });
  await serve(wsB, 5432, 'ws-b');
  assert.equal(await connect(wsA, wsB, 5432), 'ws-b');
  const other = await make({ name: 'other' });
  assert.equal(await connect(other, wsB, 5432), null, 'any other workspace gets a connection refused');

  step('use case 5: agent + data + app, each with only the access it needs');
  const agent = await make({ name: 'agent', config: { cpus: 1, memory_mb: 256, allow_internet: true } });
  const data = await make({ name: 'agent-data', config: { allow_internet: false, ingress: [agent.info.internal_ip] } });
  const app = await make({
    name: 'agent-app',
    config: { allow_internet: false, ingress: [agent.info.internal_ip, data.info.internal_ip, '0.0.0.0/0'] },
  });
  await serve(data, 5432, 'data');
  await serve(app, 3000, 'app');
  await serve(agent, 8080, 'agent');
  assert.equal(await connect(agent, data, 5432), 'data', 'the agent reaches its data workspace');
  assert.equal(await connect(agent, app, 3000), 'app');
  assert.equal(await connect(app, data, 5432), null, 'data admits only the agent');
  assert.equal(await connect(data, app, 3000), null, 'data has allow_internet false and no egress: nothing out');
  assert.equal(await connect(other, agent, 8080), null, 'the agent admits nobody');

  step('network.get and network.update');
  const net = await ws.network.get(data.id);
  assert.equal(net.ip, data.info.internal_ip);
  assert.equal(net.allow_internet, false);
  assert.deepEqual(net.ingress, [agent.info.internal_ip]);
  await serve(data, 8080, 'data-8080');
  assert.equal(await connect(agent, data, 8080), 'data-8080');
  await ws.network.update(data.id, { ingress_ports: [5432] });
  assert.deepEqual((await ws.network.get(data.id)).ingress_ports, [5432]);
  assert.equal(await connect(agent, data, 8080), null, 'only 5432 once ingress_ports is set');
  assert.equal(await connect(agent, data, 5432), 'data');
  assert.equal(await connect(other, data, 5432), null);
  await ws.network.update(data.id, { private_link_ids: [other.id] });
  const linked = await ws.network.get(data.id);
  assert.deepEqual(linked.private_links.map((l) => [l.workspace_id, l.ip]), [[other.id, other.info.internal_ip]]);
  assert.equal(await connect(other, data, 5432), 'data', 'a private link admits the linked workspace');

  step('use case 9: parallel workers, one data store');
  const store = await make({ name: 'results', config: { allow_internet: false, ingress: ['10.0.0.0/8'] } });
  await serve(store, 5432, 'store');
  const items = ['chunk-1', 'chunk-2'];
  const workers = await Promise.all(items.map((item) => make({
    config: { ttl: '10m', remove_on_exit: true, allow_internet: true, egress: [item, store.info.internal_ip] },
  })));
  for (const worker of workers) {
    assert.equal(await connect(worker, store, 5432), 'store', 'a worker reaches the store');
    assert.equal(await connect(worker, agent, 8080), null, 'and nothing else');
  }

  step('delete: a deleted workspace leaves no address in the rules of others');
  await ws.delete(agent.id);
  created.splice(created.indexOf(agent.id), 1);
  assert.deepEqual((await ws.network.get(data.id)).ingress, []);

  console.log('compat: use cases (private network) passed');
} finally {
  await Promise.allSettled(created.map((id) => ws.delete(id)));
}
