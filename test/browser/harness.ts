/**
 * Runs the extension's browser transport and worker in headless Chromium, outside VS Code: a
 * loopback server serves the built `dist/` files and a page (test/browser/page.ts, built to
 * out/test/browser/page.js), with or without the headers that make the page cross-origin
 * isolated (SharedArrayBuffer). The runtime tests and the benchmark use it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM } from '../launch/provision';

/** Where the page's files are. */
export interface PageFiles {
  /** The built `dist/` folder, served under `/dist/`. */
  readonly distDir: string;
  /** The built page script (out/test/browser/page.js). */
  readonly pageScript: string;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm' };

/** Headers that make a page cross-origin isolated; every response is same-origin, so CORP same-origin is enough. */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/** A page with the sandbox in it, and what to close afterwards. */
export interface BrowserSandbox {
  readonly page: Page;
  /** Whole seconds of CPU the browser's renderer processes (where workers run) have used. */
  rendererCpuSeconds(): number;
  close(): Promise<void>;
}

function serve(isolated: boolean, { distDir, pageScript }: PageFiles): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const file =
      url.pathname === '/'
        ? undefined
        : url.pathname === '/page.js'
          ? pageScript
          : url.pathname.startsWith('/dist/')
            ? path.join(distDir, path.normalize(url.pathname.slice('/dist/'.length)))
            : '';
    const headers = isolated ? { ...ISOLATION_HEADERS } : {};
    if (file === undefined) {
      response.writeHead(200, { ...headers, 'content-type': 'text/html' });
      response.end('<!doctype html><script src="/page.js"></script>');
      return;
    }
    if (!(file === pageScript || file.startsWith(distDir + path.sep)) || !fs.existsSync(file)) {
      response.writeHead(404, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The parent pid of a process, from /proc (Linux). */
function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** CPU seconds used so far by the renderer processes below `browserPid`, where pages and their workers run (Linux). */
function rendererCpuSeconds(browserPid: number): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (!fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      let pid = Number(entry);
      while (pid > 1 && pid !== browserPid) pid = parentOf(pid);
      if (pid !== browserPid) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime, the 14th and 15th fields of /proc/PID/stat, in clock ticks (100 a second on Linux).
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone while we looked
    }
  }
  return total;
}

/**
 * Calls `fn` in the page with the page's globals and `arg`. The function goes as source and is
 * made again there (the bundle's own names mean nothing in the page), so it must use nothing
 * but its parameters.
 */
export function evaluateIn<G, T, A>(page: Page, fn: (globals: G, arg: A) => T | Promise<T>, arg: A): Promise<T> {
  return page.evaluate(
    ([source, value]) => (new Function(`return (${source})`)() as (g: unknown, a: unknown) => unknown)(globalThis, value),
    [fn.toString(), arg] as const,
  ) as Promise<T>;
}

/** Opens the page in a fresh headless Chromium. */
export async function openBrowserSandbox(isolated: boolean, files: PageFiles): Promise<BrowserSandbox> {
  const server = await serve(isolated, files);
  const browserServer = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking'],
  });
  const browser = await chromium.connect(browserServer.wsEndpoint());
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'sandboxPage' in globalThis);
  return {
    page,
    rendererCpuSeconds: () => rendererCpuSeconds(browserServer.process().pid ?? 0),
    close: async () => {
      await browser.close().catch(() => undefined);
      await browserServer.close();
      server.close();
    },
  };
}
