// Watchers and search through the official SDK with only the preload:
// node --import ./preload.mjs runtime-watch-search.mjs
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const step = (name) => console.log(`compat: ${name}`);

step('create + runtime(id)');
const created = await ws.create({ image: 'busybox', config: { cpus: 1, memory_mb: 256 } });
try {
  const rt = await ws.runtime(created.id);
  await rt.exec.run(['sh', '-c', 'mkdir -p /app/src && printf "const x = 1;\\nfunction handleRequest() {}\\n" > /app/src/server.ts && echo hi > /app/src/controller.js']);

  step('watcher.create / list / get / delete');
  const watcher = await rt.watcher.create({ path: '/app/src', excludes: ['*.log'] });
  assert.match(watcher.id, /\S/);
  assert.equal(watcher.root, '/app/src');
  assert.equal(watcher.dir_count, 1);
  assert.equal(watcher.active, true);
  assert.ok(watcher.excludes.includes('*.log') && watcher.excludes.includes('node_modules'));
  assert.ok((await rt.watcher.list()).some((w) => w.id === watcher.id));
  assert.equal((await rt.watcher.get(watcher.id)).root, '/app/src');
  const deleted = await rt.watcher.delete(watcher.id);
  assert.equal(deleted.watcher_id, watcher.id);
  assert.equal((await rt.watcher.list()).length, 0);

  step('search.status / init');
  const status = await rt.search.status();
  assert.equal(typeof status.installed, 'boolean');
  assert.deepEqual(await rt.search.init(), status);

  step('search.content');
  const found = await rt.search.content({ query: 'handleRequest', path: '/app' });
  assert.equal(found.success, true);
  assert.equal(found.total_matches, 1);
  assert.deepEqual(found.results['src/server.ts'], [{ line: 2, column: 10, text: 'function handleRequest() {}' }]);
  assert.equal(found.capped, false);

  step('search.files');
  const files = await rt.search.files({ query: 'controller', path: '/app' });
  assert.deepEqual(files.files, ['src/controller.js']);
  assert.equal(files.total_files, 1);
} finally {
  await ws.delete(created.id);
}
console.log('compat: all runtime watcher and search calls passed');
