import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { onShutdown } from './processes';

/** What makes a page cross-origin isolated; every response here is same-origin, so CORP same-origin suffices. */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * A loopback proxy in front of the VS Code server that adds the cross-origin isolation headers
 * to every response (that server sends none), so the workbench, its web worker extension host
 * and the workers it starts have SharedArrayBuffer, as vscode.dev can. WebSocket upgrades (the
 * connection to the server) pass through untouched.
 * @returns the proxy's base URL and authority, to open the workbench through.
 */
export async function startIsolatingProxy(target: { host: string; port: number }): Promise<{ url: string; authority: string }> {
  const server = http.createServer((request, response) => {
    const upstream = http.request(
      { host: target.host, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...ISOLATION_HEADERS });
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(target.port, target.host, () => {
      const lines = [`${request.method} ${request.url} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onShutdown(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, authority: `127.0.0.1:${port}` };
}
