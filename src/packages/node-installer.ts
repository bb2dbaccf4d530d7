/** Starts the package installer process (Node) to resolve PyPI requirements with micropip. */
import { fork } from 'node:child_process';
import * as path from 'node:path';
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
 * Resolves in a short-lived child process (`dist/package-installer.js`) that boots Pyodide
 * from `distDir`, loads the verified micropip wheel and runs `micropip.install` against the
 * index. It gets no environment: nothing of the host's leaks into it.
 */
export class InstallerProcess implements PyPIResolver {
  constructor(private readonly distDir: string) {}

  resolve(request: PyPIRequest, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      throwIfCancelled(signal);
      const child = fork(path.join(this.distDir, 'package-installer.js'), [], {
        // Electron's binary (VS Code's) only behaves as Node with this variable.
        env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
        execArgv: ['--disallow-code-generation-from-strings', '--no-warnings'],
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
      child.on('exit', (code, how) =>
        fail('resolution', `the package installer ended (${how ?? `exit code ${code}`}) without an answer: ${stderr.trim()}`),
      );
      child.send({ ...request, distDir: this.distDir } satisfies InstallerRequest);
    });
  }
}
