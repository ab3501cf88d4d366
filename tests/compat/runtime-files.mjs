// The runtime file calls of the use cases (use case 4 writes /task/run.py into a fresh
// workspace), through the official SDK with only the preload:
//   node --import ./preload.mjs runtime-files.mjs
import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const step = (name) => console.log(`compat: ${name}`);

// The names and sizes of a tar's entries (ustar headers; PAX extended headers are skipped).
function tarNames(tar) {
  const names = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    if (type !== 'x' && type !== 'g') names.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

// A one-file ustar archive, gzipped.
function tarOf(name, content) {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0') + '\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0' + '00', 257);
  const sum = header.reduce((a, b) => a + b, 0);
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return gzipSync(Buffer.concat([header, data, padding, Buffer.alloc(1024)]));
}

step('create + runtime(id)');
const created = await ws.create({ image: 'busybox', config: { cpus: 1, memory_mb: 256 } });
try {
  const rt = await ws.runtime(created.id);
  const script = "print('hello from the task')\n";

  step('files.write into a fresh workspace (use case 4)');
  const written = await rt.files.write({ fullPath: '/task/run.py', content: script });
  assert.equal(written.success, true);
  assert.equal(written.path, '/task/run.py');
  assert.equal(written.size, Buffer.byteLength(script));

  step('files.read, whole and a line range');
  const read = await rt.files.read({ filePath: '/task/run.py' });
  assert.equal(read.content, script);
  assert.equal(read.lines, 1);
  assert.equal(read.extension, 'py');
  await rt.files.write({ fullPath: '/task/notes.md', content: 'a\nb\nc\n', append: true });
  const range = await rt.files.read({ filePath: '/task/notes.md', startLine: 2, endLine: 3 });
  assert.equal(range.content, 'b\nc\n');

  step('files.mkdir + stat');
  await rt.files.mkdir({ path: '/task/out/logs', mode: '0700' });
  const dir = await rt.files.stat({ path: '/task/out/logs' });
  assert.equal(dir.type, 'directory');
  assert.equal(dir.permissions, '0700');
  const file = await rt.files.stat({ path: '/task/run.py' });
  assert.equal(file.type, 'file');
  assert.equal(file.is_code, true);

  step('files.list (one level and nested) + stream');
  const top = await rt.files.list({ dirPath: '/task' });
  assert.deepEqual(top.entries.map((e) => e.name), ['out', 'notes.md', 'run.py']);
  const nested = await rt.files.list({ dirPath: '/task', nested: true, includeHash: true });
  const out = nested.entries.find((e) => e.name === 'out');
  assert.equal(out.children[0].path, '/task/out/logs');
  assert.match(nested.entries.find((e) => e.name === 'run.py').hash, /^[0-9a-f]{64}$/);
  const streamed = [];
  for await (const entry of rt.files.stream({ dirPath: '/task' })) streamed.push(entry.path);
  assert.ok(streamed.includes('/task/out/logs'));

  step('transfer.download + upload');
  const download = await rt.transfer.download({ paths: ['/task'] });
  const archive = Buffer.from(await download.arrayBuffer());
  const names = tarNames(gunzipSync(archive));
  assert.ok(names.includes('task/run.py'), names.join(','));
  const uploaded = await rt.transfer.upload({ body: archive, dest: '/restore' });
  assert.equal(uploaded.success, true);
  assert.equal(uploaded.dest, '/restore');
  assert.equal(uploaded.files_extracted, 2);
  assert.equal((await rt.files.read({ filePath: '/restore/task/run.py' })).content, script);
  const single = await rt.transfer.upload({ body: tarOf('hello/world.txt', 'hi'), dest: '/restore' });
  assert.equal(single.files_extracted, 1);
  assert.equal((await rt.files.read({ filePath: '/restore/hello/world.txt' })).content, 'hi');

  step('files.delete, and a protected path refused');
  await rt.files.delete({ path: '/restore' });
  await assert.rejects(rt.files.stat({ path: '/restore' }), (e) => e.status === 404 || /not.found/i.test(String(e.message)));
  await assert.rejects(rt.files.delete({ path: '/etc' }), (e) => e.status === 403 || /forbidden|protected/i.test(String(e.message)));
} finally {
  await ws.delete(created.id);
}
console.log('compat: all runtime files calls passed');
