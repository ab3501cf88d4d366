// Points the official oblien SDK at a Hearth server without changing the SDK or the scripts:
//   node --import ./preload.mjs script.mjs
// HEARTH_URL          the control plane (replaces https://api.oblien.com), e.g. http://127.0.0.1:7070
// HEARTH_RUNTIME_URL  the runtime gateway (replaces https://workspace.oblien.com), e.g. http://127.0.0.1:7071
// The SDK's runtime client has no base-URL option (it always calls workspace.oblien.com), so
// the rewrite happens in fetch, the one function every SDK request goes through.
const targets = [
  ['https://api.oblien.com', process.env.HEARTH_URL],
  ['https://workspace.oblien.com', process.env.HEARTH_RUNTIME_URL],
];
for (const [from, to] of targets) {
  if (!to) throw new Error(`compat preload: set ${from.includes('workspace') ? 'HEARTH_RUNTIME_URL' : 'HEARTH_URL'}`);
}

const original = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  for (const [from, to] of targets) {
    if (url === from || url.startsWith(from + '/') || url.startsWith(from + '?')) {
      const rewritten = to.replace(/\/$/, '') + url.slice(from.length);
      return original(typeof input === 'string' || input instanceof URL ? rewritten : new Request(rewritten, input), init);
    }
  }
  return original(input, init);
};

// The runtime's WebSocket (rt.ws()) dials wss://workspace.oblien.com/ws?token=...: the same
// rewrite, in ws:// form, for the global WebSocket (Node 22, or Node 20 with
// --experimental-websocket); on a Node without one (Debian's Node 18), the `ws` package plays it.
if (!globalThis.WebSocket) globalThis.WebSocket = (await import('ws')).WebSocket;
const OriginalWebSocket = globalThis.WebSocket;
const socketTargets = targets.map(([from, to]) => [from.replace(/^http/, 'ws'), to.replace(/\/$/, '').replace(/^http/, 'ws')]);
globalThis.WebSocket = class extends OriginalWebSocket {
  constructor(url, protocols) {
    let href = String(url);
    for (const [from, to] of socketTargets) {
      if (href === from || href.startsWith(from + '/') || href.startsWith(from + '?')) {
        href = to + href.slice(from.length);
        break;
      }
    }
    super(href, protocols);
  }
};
