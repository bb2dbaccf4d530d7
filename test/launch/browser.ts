import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from './provision';
import { onShutdown } from './processes';
import { scratchDir } from './scratch';

/** Flags that keep Chromium quiet and offline-safe in a container. */
const QUIET_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a private profile, closed at shutdown. */
export interface Browser {
  context: BrowserContext;
  page: Page;
}

/**
 * Launches the system Chromium through playwright-core (never a browser download) with a
 * fresh profile. `--user-data-dir` must not be passed in args: launchPersistentContext owns it.
 * @param userAgent what the page reports; the workbench takes its platform (and so its keys) from it.
 */
export async function launchBrowser(viewport = { width: 1400, height: 900 }, userAgent?: string): Promise<Browser> {
  const profile = path.join(scratchDir('chromium'), 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: QUIET_ARGS,
    viewport,
    ...(userAgent ? { userAgent } : {}),
  });
  onShutdown(() => context.close().catch(() => undefined));
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}
