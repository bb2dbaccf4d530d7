/**
 * Source text that a worker playing a compromised sandbox starts with (the tests hand it to the
 * page's `clientWithWorker`): `frame(message)` encodes a message as the protocol's frame, and
 * `ready(browser)` is a `ready` message whose lock-down report is full apart from `browser`.
 */
export const COMPROMISED_WORKER_PRELUDE = `
  const frame = (message) => {
    const body = new TextEncoder().encode(JSON.stringify(message));
    const bytes = new Uint8Array(4 + body.length);
    new DataView(bytes.buffer).setUint32(0, body.length);
    bytes.set(body, 4);
    return bytes;
  };
  const ready = (browser) => ({ type: 'ready', runtime: { pythonVersion: '3', pyodideVersion: '0', boot: 'plain', loadMs: 1 },
    restrictions: { permissionModel: false, hostFilesDenied: true, childProcessDenied: true, codeGenerationBlocked: true, environmentEmpty: true, browser } });`;
