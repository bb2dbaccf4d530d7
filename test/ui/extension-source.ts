import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../launch/paths';

/** How the extension gets into the server for the UI checks. */
export type ExtensionSource = { kind: 'vsix'; file: string } | { kind: 'development'; folder: string };

/**
 * The packaged extension when there is one, since that is what a person installs: SANDBOX_VSIX,
 * else the newest python-sandbox-*.vsix at the repo root. Otherwise the development folder.
 */
export function findExtensionSource(): ExtensionSource {
  const named = process.env.SANDBOX_VSIX;
  if (named) {
    if (!fs.existsSync(named)) throw new Error(`SANDBOX_VSIX=${named} does not exist`);
    return { kind: 'vsix', file: path.resolve(named) };
  }
  const vsix = fs
    .readdirSync(REPO_ROOT)
    .filter((f) => /^python-sandbox-.*\.vsix$/.test(f))
    .map((f) => path.join(REPO_ROOT, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return vsix.length ? { kind: 'vsix', file: vsix[0] } : { kind: 'development', folder: REPO_ROOT };
}
