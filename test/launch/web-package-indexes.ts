import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bundledLockInfo,
  DEMO_PACKAGES,
  generatePackageIndex,
  type PackageIndexServer,
  servePackageIndex,
} from '../fixtures/package-index';
import { onShutdown } from './processes';
import type { WebTestSetup } from './web-test-setup';

type Indexes = WebTestSetup['packageIndexes'];

/** The indexes' packages (see WebTestSetup): generated here, since the web tests have no Node to build wheels. */
function generateIndexes(): Record<keyof Indexes, ReturnType<typeof generatePackageIndex>> {
  const info = bundledLockInfo();
  const tampered = generatePackageIndex({ info, lock: [{ name: 'sandbox-demo-t', version: '1.0.0' }], micropip: false });
  const wheel = tampered.wheels.get('sandbox-demo-t')!;
  tampered.files.set(wheel.fileName, new Uint8Array([...wheel.bytes.slice(0, -1), wheel.bytes.at(-1)! ^ 1]));
  return {
    demo: generatePackageIndex({
      info,
      lock: [
        ...DEMO_PACKAGES,
        {
          name: 'sandbox-demo-so',
          version: '1.0.0',
          sharedLibrary: true,
          // ctypes is refused in the sandbox: the module checks that its library is in place.
          init: 'import pathlib\nLIBRARY = pathlib.Path(__file__).with_name("libanswer.so").is_file()\n',
        },
        { name: 'sandbox-demo-d', version: '4.0.0' },
        // Loaded by a notebook only.
        { name: 'sandbox-demo-nb', version: '1.0.0' },
      ],
      micropip: false,
    }),
    stoppable: generatePackageIndex({ info, lock: [{ name: 'sandbox-demo-w', version: '1.0.0' }], micropip: false }),
    tampered,
  };
}

/**
 * Serves the web tests' package indexes on loopback, where the browser's extension host reaches
 * them (its fetch is the page's), and a control server whose `POST /stop/<index>` stops one.
 */
export async function startWebPackageIndexes(): Promise<Indexes> {
  const servers = new Map<string, PackageIndexServer>();
  for (const [name, index] of Object.entries(generateIndexes())) servers.set(name, await servePackageIndex(index));
  const control = http.createServer((request, response) => {
    const server = request.method === 'POST' ? servers.get(/^\/stop\/([a-z]+)$/.exec(request.url ?? '')?.[1] ?? '') : undefined;
    const headers = { 'access-control-allow-origin': '*' };
    if (!server) {
      response.writeHead(404, headers).end();
      return;
    }
    void server.close().then(() => response.writeHead(200, headers).end());
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  onShutdown(() => {
    control.close();
    for (const server of servers.values()) void server.close();
  });
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}/`;
  const entry = (name: keyof Indexes) => ({ indexUrl: servers.get(name)!.indexUrl, stopUrl: `${controlUrl}stop/${name}` });
  return { demo: entry('demo'), stoppable: entry('stoppable'), tampered: entry('tampered') };
}
