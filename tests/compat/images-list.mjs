// images.list() through the official `oblien` SDK unchanged, with an imported image beside the catalogue.
// Usage: HEARTH_URL=... HEARTH_CLIENT_ID=... HEARTH_CLIENT_SECRET=... HEARTH_IMPORTED=name node images-list.mjs
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({
  clientId: process.env.HEARTH_CLIENT_ID,
  clientSecret: process.env.HEARTH_CLIENT_SECRET,
  baseUrl: process.env.HEARTH_URL,
});
const ws = client.workspaces;
const imported = process.env.HEARTH_IMPORTED;
const step = (name) => console.log(`compat: ${name}`);

step('images.list');
const { images, categories } = await ws.images.list();
assert.ok(Array.isArray(categories) && categories.length > 0);
const busybox = images.find((i) => i.id === 'busybox');
assert.ok(busybox, 'the catalogue is listed');
for (const field of ['id', 'label', 'category', 'image', 'status', 'minimum_memory_mb']) {
  assert.ok(field in busybox, `catalogue field ${field}`);
}
const mine = images.find((i) => i.id === imported);
assert.ok(mine, `the imported image ${imported} is listed`);
assert.equal(mine.source, 'import');
assert.equal(mine.status, 'ready');
assert.equal(mine.layers.length, 2);
assert.match(mine.digest, /^sha256:[0-9a-f]{64}$/);

step('create from the imported image');
const created = await ws.create({ image: imported, config: { memory_mb: 256 } });
assert.equal(created.status, 'running');
await ws.delete(created.id);

console.log('compat: images list passed');
