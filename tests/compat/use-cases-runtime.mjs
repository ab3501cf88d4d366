// The runtime parts of use cases 2 and 4 (../shared/reference/use-cases.md), as written there,
// through the official SDK with only the preload:
//   node --import ./preload.mjs use-cases-runtime.mjs
// The images are the text's (node-20, python-3.12; HEARTH_UC_NODE_IMAGE / HEARTH_UC_PYTHON_IMAGE
// pick others). Commands that need the internet (`git clone https://github.com/...`, `npm
// install` of it) are replaced by local equivalents unless HEARTH_UC_FULL=1, and `python3` by sh
// when the python image is not a python one.
import assert from 'node:assert/strict';
import Oblien from 'oblien';

const client = new Oblien({ clientId: process.env.HEARTH_CLIENT_ID, clientSecret: process.env.HEARTH_CLIENT_SECRET });
const ws = client.workspaces;
const full = process.env.HEARTH_UC_FULL === '1';
const nodeImage = process.env.HEARTH_UC_NODE_IMAGE ?? 'node-20';
const pythonImage = process.env.HEARTH_UC_PYTHON_IMAGE ?? 'python-3.12';
const python = full || pythonImage.startsWith('python');
const step = (name) => console.log(`compat: ${name}`);
const created = [];

try {
  step('use case 2: a persistent service, cloned and installed via Runtime');
  const api = await ws.create({
    name: 'production-api',
    image: nodeImage,
    mode: 'permanent',
    config: { cpus: 2, memory_mb: 4096 },
  });
  created.push(api.id);
  const rt = await ws.runtime(api.id);
  const install = full
    ? 'git clone https://github.com/org/api.git /app && cd /app && npm install'
    : 'mkdir -p /app && cd /app && printf "console.log(1)\\n" > server.js && echo installed';
  const cloned = await rt.exec.run(['bash', '-c', install]);
  assert.equal(cloned.exit_code, 0, cloned.stderr);
  assert.equal(cloned.status, 'exited');
  if (!full) assert.equal(cloned.stdout, 'installed\n');
  const listed = await rt.files.list({ dirPath: '/app' });
  assert.ok(listed.entries.some((e) => e.name === 'server.js'), JSON.stringify(listed));

  step('use case 4: isolating work from your agent');
  async function runUserCode(code) {
    const isolated = await ws.create({
      image: pythonImage,
      config: {
        ttl: '5m',
        remove_on_exit: true,
        allow_internet: false,
        ingress: [],
      },
    });
    created.push(isolated.id);
    const rt = await ws.runtime(isolated.id);
    await rt.files.write({ fullPath: '/task/run.py', content: code });
    const result = await rt.exec.run(python ? ['python3', '/task/run.py'] : ['sh', '/task/run.py']);
    return result;
  }
  const code = python ? 'print(sum(range(10)))\n' : 'echo $((0+1+2+3+4+5+6+7+8+9))\n';
  const result = await runUserCode(code);
  assert.equal(result.exit_code, 0, result.stderr);
  assert.equal(result.stdout, '45\n');
} finally {
  for (const id of created) await ws.delete(id).catch((e) => console.error(`cleanup ${id}: ${e.message}`));
}
console.log('compat: use cases 2 and 4 (runtime parts) passed');
