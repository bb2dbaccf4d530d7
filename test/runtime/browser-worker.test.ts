import * as assert from 'node:assert/strict';
import { openBrowserSandbox, type BrowserSandbox } from './browser-page';
import type { SandboxPage } from '../browser/page';

type PageGlobals = { sandboxPage: SandboxPage; client?: ReturnType<SandboxPage['client']> };

describe('browser worker, not cross-origin isolated (Chromium test page)', function () {
  let browser: BrowserSandbox;
  before(async () => {
    browser = await openBrowserSandbox(false);
  });
  after(() => browser?.close());

  it('runs exec and eval', async () => {
    const result = await browser.page.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals;
      g.client = g.sandboxPage.client();
      const info = await g.client.start();
      const exec = await g.client.exec('print("hello from the browser")');
      const evaluated = await g.client.eval('[x * x for x in range(4)]');
      return { info, exec, evaluated, shared: g.sandboxPage.sharedMemory };
    });
    console.log(JSON.stringify(result, null, 1).slice(0, 3000));
    assert.equal(result.exec.output, 'hello from the browser\n');
  });
});
