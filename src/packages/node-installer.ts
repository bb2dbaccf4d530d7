/** Starts the package installer process (Node) to resolve PyPI requirements with micropip. */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { permissionFlag } from '../sandbox/transport/child-process';
import { PackageError, throwIfCancelled } from './errors';
import type { PyPIRequest, PyPIResolver } from './pypi';

/** What the host sends the installer: the request, and where Pyodide is. */
export interface InstallerRequest extends PyPIRequest {
  readonly distDir: string;
}

/** The installer's one answer. */
export type InstallerReply =
  { readonly type: 'resolved'; readonly wheels: unknown } | { readonly type: 'failed'; readonly message: string };

/** A resolution that takes longer than this is stopped: an index that never answers must not hang a run. */
const INSTALLER_TIMEOUT_MS = 5 * 60_000;
const STDERR_TAIL = 2000;

/**
 * The installer's command line. micropip installs the wheels it picks into the installer's own
 * Pyodide, so an emscripten wheel's WebAssembly library runs there: the process may read only
 * `distDir` (Pyodide) and the verified micropip wheel's folder, start no process or worker, and
 * generate no code from strings. It keeps the network, by design: it asks the index.
 * @param permissions false leaves out the permission model, for a Node that rejects its flags.
 */
export function installerExecArgv(distDir: string, micropipLocation: string, permissions = true): string[] {
  const permission = permissions ? permissionFlag() : undefined;
  const readable = [distDir, path.dirname(micropipLocation)].map((dir) => `--allow-fs-read=${path.resolve(dir)}${path.sep}`);
  return [...(permission ? [permission, ...readable] : []), '--disallow-code-generation-from-strings', '--no-warnings'];
}

/** Node exits with 9 when it rejects a command-line option (some Electron builds reject the permission flags). */
const REJECTED_OPTION = 9;

/**
 * Resolves in a short-lived child process (`dist/package-installer.js`) that boots Pyodide
 * from `distDir`, loads the verified micropip wheel and runs `micropip.install` against the
 * index. It gets no environment: nothing of the host's leaks into it.
 */
export class InstallerProcess implements PyPIResolver {
  constructor(private readonly distDir: string) {}

  async resolve(request: PyPIRequest, signal?: AbortSignal): Promise<unknown> {
    try {
      return await this.run(request, true, signal);
    } catch (error) {
      if (!(error instanceof RejectedFlags)) throw error;
      return this.run(request, false, signal);
    }
  }

  private run(request: PyPIRequest, permissions: boolean, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      throwIfCancelled(signal);
      const child = fork(path.join(this.distDir, 'package-installer.js'), [], {
        // Electron's binary (VS Code's) only behaves as Node with this variable.
        env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
        execArgv: installerExecArgv(this.distDir, request.micropipLocation, permissions),
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_TAIL)));
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', cancel);
        child.removeAllListeners();
        child.kill('SIGKILL');
        settle();
      };
      const fail = (code: 'resolution' | 'cancelled', message: string): void => finish(() => reject(new PackageError(code, message)));
      const cancel = (): void => fail('cancelled', 'resolving PyPI packages was cancelled');
      const timer = setTimeout(
        () => fail('resolution', `resolving ${request.requirements.join(', ')} took longer than ${INSTALLER_TIMEOUT_MS / 60_000} minutes`),
        INSTALLER_TIMEOUT_MS,
      );
      signal?.addEventListener('abort', cancel, { once: true });
      child.on('message', (reply: InstallerReply) => {
        if (reply.type === 'resolved') finish(() => resolve(reply.wheels));
        else
          fail(
            'resolution',
            `${request.requirements.join(', ')}: micropip could not resolve them from ${request.indexUrl}: ${reply.message}`,
          );
      });
      child.on('error', (error) => fail('resolution', `the package installer could not start: ${error.message}`));
      child.on('exit', (code, how) => {
        if (permissions && code === REJECTED_OPTION && /bad option/.test(stderr)) finish(() => reject(new RejectedFlags()));
        else fail('resolution', `the package installer ended (${how ?? `exit code ${code}`}) without an answer: ${stderr.trim()}`);
      });
      child.send({ ...request, distDir: this.distDir } satisfies InstallerRequest);
    });
  }
}

/** Node refused the permission flags; the installer runs again without them. */
class RejectedFlags extends Error {}
