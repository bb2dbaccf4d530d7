/** The package cache as a folder on disk (Node: the extension host and the CLI). */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keySegments, type PackageStore } from './store';

/** A `PackageStore` in a folder; keys become paths below it. */
export class NodeFileStore implements PackageStore {
  /** @param root the folder, made when something is first written. */
  constructor(readonly root: string) {}

  async read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.promises.readFile(this.location(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.location(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    // Written next to the target and renamed over it: a rename within a folder is atomic, so a
    // crash or a concurrent reader never sees a half-written file under the real name.
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.promises.writeFile(temporary, bytes);
      await fs.promises.rename(temporary, target);
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await fs.promises.stat(this.location(key))).isFile();
    } catch {
      return false;
    }
  }

  location(key: string): string {
    return path.join(this.root, ...keySegments(key));
  }

  /**
   * Empties the folder but keeps it: a running sandbox process sees it through a bind mount made
   * when it started (a file system of its own), which a removed and remade folder would leave
   * looking at the removed one.
   */
  async clear(): Promise<void> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await Promise.all(names.map((name) => fs.promises.rm(path.join(this.root, name), { recursive: true, force: true })));
  }
}

/** The CLI's cache folder: `$XDG_CACHE_HOME/python-sandbox`, else `~/.cache/python-sandbox`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  // The XDG specification ignores a relative value.
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'python-sandbox');
}
