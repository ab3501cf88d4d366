// The control-plane calls of the use cases, through the official `oblien` SDK unchanged.
// Usage: HEARTH_URL=http://127.0.0.1:7070 HEARTH_CLIENT_ID=... HEARTH_CLIENT_SECRET=... node control-plane.mjs
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({
  clientId: process.env.HEARTH_CLIENT_ID,
  clientSecret: process.env.HEARTH_CLIENT_SECRET,
  baseUrl: process.env.HEARTH_URL,
});
const ws = client.workspaces;
const step = (name) => console.log(`compat: ${name}`);

step('images.list');
const images = await ws.images.list();
assert.ok(images.images.some((i) => i.id === 'busybox' && i.status === 'ready'));

step('create (waits for readiness the SDK way)');
const created = await ws.create({
  name: 'compat-agent',
  image: 'busybox',
  mode: 'permanent',
  config: { cpus: 1, memory_mb: 256, env: ['GREETING=hello'] },
});
assert.equal(created.status, 'running');
assert.equal(created.ready, true);
assert.match(created.id, /^ws_[a-z0-9]{8,}$/);
assert.equal(created.resources.memory_mb, 256);
assert.match(created.info.internal_ip, /^10\.88\.\d+\.\d+$/);

step('create with ttl -> temporary, idempotency_key repeats');
const temp = await ws.create({ image: 'busybox', config: { ttl: '30m' }, idempotency_key: 'compat-key-1' });
assert.equal(temp.mode, 'temporary');
const again = await ws.create({ image: 'busybox', config: { ttl: '30m' }, idempotency_key: 'compat-key-1' });
assert.equal(again.id, temp.id);

step('get / list / update / details');
assert.equal((await ws.get(created.id)).name, 'compat-agent');
const list = await ws.list({ page: 1, limit: 10, mode: 'permanent' });
assert.ok(list.workspaces.some((w) => w.id === created.id));
assert.ok(list.total >= 1);
assert.equal((await ws.update(created.id, { name: 'renamed' })).name, 'renamed');
const details = await ws.getDetails(created.id);
assert.equal(details.workspace.id, created.id);

step('resources get / update / patch');
assert.equal((await ws.resources.get(created.id)).resources.cpus, 1);
const updated = await ws.resources.update(created.id, { cpus: 2, memory_mb: 512 });
assert.deepEqual(updated.applied_live.sort(), ['cpus', 'memory_mb']);
await ws.resources.patch(created.id, { disk_size_mb: 2048 });

step('pause / resume / stop / start / restart');
assert.equal((await ws.pause(created.id)).workspace.status, 'paused');
assert.equal((await ws.resume(created.id)).workspace.status, 'running');
assert.equal((await ws.stop(created.id)).workspace.status, 'stopped');
const started = (await ws.start(created.id)).workspace;
assert.equal(started.status, 'running');
assert.equal(started.resources.disk_size_mb, 2048);
assert.equal((await ws.restart(created.id)).workspace.status, 'running');

step('quota and lifecycle');
const quota = await ws.getQuota();
assert.ok(quota.current_workspaces >= 2);
await ws.lifecycle.destroy(temp.id);

step('errors map to the SDK error classes');
await assert.rejects(ws.get('ws_doesnotexist'), (e) => e.status === 404 && e.name === 'NotFoundError');
await assert.rejects(ws.create({ image: 'no-such-image' }), (e) => e.status === 400 && e.code === 'invalid_image');
await assert.rejects(ws.create({ image: 'busybox', config: { cpus: 64 } }), (e) => e.status === 400);
await assert.rejects(ws.pause((await ws.stop(temp.id)).workspace.id), (e) => e.status === 409 && e.name === 'ConflictError');

step('delete');
await ws.delete(created.id);
await ws.delete(temp.id);
await assert.rejects(ws.get(created.id), (e) => e.status === 404);
console.log('compat: all control-plane calls passed');
