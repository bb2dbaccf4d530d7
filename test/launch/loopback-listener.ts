import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { onShutdown } from './processes';

/** What the launcher tells the web tests, in the workspace's `web-test.json`. */
export interface WebTestSetup {
  /** The listener's URL; `<url>count` answers how many other requests it heard. */
  readonly loopbackUrl: string;
  /** The workbench is served with cross-origin isolation headers: the sandbox has SharedArrayBuffer. */
  readonly crossOriginIsolated: boolean;
}

/**
 * A loopback HTTP listener for the web tests' lock-down check: it counts the requests it hears,
 * and answers `/count` (which it does not count) to the extension host, which may reach it.
 * Its URL goes into the workspace's `web-test.json` (see WebTestSetup), where the tests read it.
 * @param crossOriginIsolated whether the workbench is served cross-origin isolated, for the tests to expect.
 */
export async function startLoopbackListener(workspace: string, crossOriginIsolated: boolean): Promise<void> {
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
  const setup: WebTestSetup = { loopbackUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, crossOriginIsolated };
  fs.writeFileSync(path.join(workspace, 'web-test.json'), JSON.stringify(setup));
}
