import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onShutdown } from './processes';

/**
 * A loopback HTTP listener for the web tests' lock-down check: it counts the requests it hears,
 * and answers `/count` (which it does not count) to the extension host, which may reach it.
 * @returns its URL, for the workspace's `web-test.json` (see WebTestSetup), where the tests read it.
 */
export async function startLoopbackListener(): Promise<string> {
  let heard = 0;
  const server = http.createServer((request, response) => {
    const headers = { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };
    if (request.url === '/count') {
      response.writeHead(200, headers);
      response.end(String(heard));
      return;
    }
    heard++;
    response.writeHead(200, headers);
    response.end('the sandbox reached the loopback listener');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onShutdown(() => void server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}
