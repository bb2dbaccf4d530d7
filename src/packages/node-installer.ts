/** Starts the package installer process (Node) to resolve PyPI requirements with micropip. */
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameDeadline, FrameReader } from '../sandbox/framing';
import {
  ALL_LAUNCH_FEATURES,
  hostPaths,
  keepStderrTail,
  killStarted,
  launchWrapper,
  onlyChild,
  permissionFlag,
  probeRefusal,
  withoutFeature,
  type LaunchFeature,
  type LaunchFeatures,
} from '../sandbox/transport/child-process';
import { watchMemory } from '../sandbox/transport/memory-watch';
import { spawnWithoutInherited } from '../sandbox/transport/inherited-descriptors';
import { sanitizeUntrusted } from '../sandbox/untrusted-text';
import { PackageError, reasonOf, throwIfCancelled } from './errors';
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

/** The reply is written at once; a frame left unfinished this long is a stall, not a slow pipe. */
const FRAME_DEADLINE_MS = 10_000;

/** Largest reply frame: a list of wheels of a few hundred bytes each needs far less. */
const MAX_REPLY_BYTES = 2 ** 20;

/** Longest `failed` message taken (before it is sanitized and cut for display). */
const MAX_MESSAGE_CHARS = 64 * 1024;

/**
 * Most the installer may hold in memory, watched from here: what a sandbox with the default
 * `memoryLimitMb` may (1024 MiB and the process's own 384). Its Pyodide boots in about 200 MB and
 * holds the wheels it resolves; an index that sends more than that (a wheel or a page without
 * end) would otherwise take the machine's memory.
 */
const INSTALLER_MEMORY_MB = 1408;

/** How the installer is started: an OS-isolation wrapper (empty for none), then Node's options. */
export interface InstallerLaunch {
  readonly wrapper: readonly string[];
  readonly execArgv: readonly string[];
}

/**
 * The installer's command line. Nothing of a wheel runs there (it resolves, it installs
 * nothing), but it reads what a hostile index sends, so it is held as the sandbox process is:
 * it may read only `distDir` (Pyodide) and the verified micropip wheel's folder, start no
 * process or worker, and generate no code from strings; on Linux it runs in a user and a PID
 * namespace (it can signal no process outside) with a file system of its own (those two
 * folders, Node's and the system's libraries, the resolver's files: no host socket), and dies
 * with its parent. It keeps the network, by design: it asks the index.
 * @param features the parts of the launch to use: the ones this machine refused are left out.
 * @param execPath the binary that runs it, shown in its file system.
 */
export function installerLaunch(
  distDir: string,
  micropipLocation: string,
  features: LaunchFeatures = ALL_LAUNCH_FEATURES,
  execPath: string = process.execPath,
): InstallerLaunch {
  const permission = features.permissionFlags ? permissionFlag() : undefined;
  const folders = [distDir, path.dirname(micropipLocation)];
  const readable = folders.map((dir) => `--allow-fs-read=${path.resolve(dir)}${path.sep}`);
  return {
    wrapper: launchWrapper(features, { readable: folders, execPath, resolvesNames: true }, { keepNetwork: true }),
    execArgv: [...(permission ? [permission, ...readable] : []), '--disallow-code-generation-from-strings', '--no-warnings'],
  };
}

/**
 * Checks the installer's reply, which is as untrusted as the index it read: exactly
 * `{type: 'resolved', wheels: [...]}` or `{type: 'failed', message}` with a message of bounded
 * length. Throws an `invalid` PackageError for anything else. (`checkResolvedWheels` checks the
 * wheels themselves.)
 */
export function checkInstallerReply(raw: unknown): InstallerReply {
  const reply = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const keys = Object.keys(reply).sort().join(',');
  if (reply.type === 'resolved' && keys === 'type,wheels' && Array.isArray(reply.wheels)) return { type: 'resolved', wheels: reply.wheels };
  if (reply.type === 'failed' && keys === 'message,type' && typeof reply.message === 'string' && reply.message.length <= MAX_MESSAGE_CHARS)
    return { type: 'failed', message: reply.message };
  throw new PackageError('invalid', 'its reply is not a resolution or a failure of the expected shape');
}

/** Electron's binary (VS Code's) only behaves as Node with this variable; nothing else of the host's goes along. */
const INSTALLER_ENV = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};

/** How the installer is started: every field has a default (tests shorten the deadline or swap Node for a stand-in). */
export interface InstallerOptions {
  /** How long a reply frame may stay unfinished. */
  readonly frameDeadlineMs?: number;
  /** The binary that runs it: this process's Node (or VS Code's Electron, run as Node). */
  readonly execPath?: string;
}

/**
 * Resolves in a short-lived child process (`dist/package-installer.js`) that boots Pyodide
 * from `distDir`, loads the verified micropip wheel and gathers micropip's transaction against
 * the index, installing nothing. It gets no environment: nothing of the host's leaks into it.
 * The request and the one reply travel as frames on a pipe of their own (fd 3), read as the
 * sandbox's are: the installer reads what a hostile index sends, so it is treated as
 * compromised; it may write anything there, and Node's IPC channel would crash or bloat the
 * extension host on a malformed or endless message.
 */
export class InstallerProcess implements PyPIResolver {
  private readonly frameDeadlineMs: number;
  private readonly execPath: string;

  constructor(
    private readonly distDir: string,
    options: InstallerOptions = {},
  ) {
    this.frameDeadlineMs = options.frameDeadlineMs ?? FRAME_DEADLINE_MS;
    this.execPath = options.execPath ?? process.execPath;
  }

  /** The parts of the launch this machine takes, asked once. */
  private features: Promise<LaunchFeatures> | undefined;

  async resolve(request: PyPIRequest, signal?: AbortSignal): Promise<unknown> {
    return this.run(request, await this.launchFeatures(request.micropipLocation), signal);
  }

  /**
   * Asks processes that run nothing which parts of the launch this machine refuses. The
   * installer's own exit cannot tell: what it read from the index could have made it fake a
   * refusal (of Node's flags, of the namespaces), to be started again with less isolation.
   */
  private launchFeatures(micropipLocation: string): Promise<LaunchFeatures> {
    this.features ??= (async () => {
      // Each refusal leaves one part out, and the rest is asked again: a wrapper that failed
      // before Node started has not told whether Node takes its flags. Node's own refusal of
      // its flags has: it ran, under the whole wrapper.
      let features = ALL_LAUNCH_FEATURES;
      for (;;) {
        const refused = await this.refusedPart(features, micropipLocation);
        const fewer = refused && withoutFeature(features, refused);
        if (!fewer || refused === 'permission-flags') return fewer || features;
        features = fewer;
      }
    })();
    return this.features;
  }

  /** Which part of the launch with `features` the machine refuses, if any. */
  private refusedPart(features: LaunchFeatures, micropipLocation: string): Promise<LaunchFeature | undefined> {
    return probeRefusal({
      ...installerLaunch(this.distDir, micropipLocation, features, this.execPath),
      execPath: this.execPath,
      env: INSTALLER_ENV,
    });
  }

  private run(request: PyPIRequest, features: LaunchFeatures, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      throwIfCancelled(signal);
      const { wrapper, execArgv } = installerLaunch(this.distDir, request.micropipLocation, features, this.execPath);
      const [command, ...args] = [...wrapper, this.execPath, ...execArgv, path.join(this.distDir, 'package-installer.js')];
      // Under the wrapper, killing it kills Node too (--kill-child).
      let child: ChildProcess;
      try {
        child = spawnWithoutInherited(command, args, {
          env: INSTALLER_ENV,
          stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
          windowsHide: true,
        });
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? reasonOf(error);
        return reject(
          new PackageError('resolution', `${request.requirements.join(', ')}: the package installer could not start (${reason})`),
        );
      }
      const channel = child.stdio[3] as Duplex;
      const frames = new FrameReader(MAX_REPLY_BYTES);
      const names = request.requirements.join(', ');
      const stderr = keepStderrTail(child);
      let settled = false;
      const stopWatching =
        child.pid === undefined
          ? () => undefined
          : watchMemory(wrapper.length > 0 ? () => onlyChild(child.pid!) : () => child.pid, INSTALLER_MEMORY_MB * 2 ** 20, () =>
              fail(
                'resolution',
                `${names}: the package installer used more than its ${INSTALLER_MEMORY_MB} MiB of memory, and was stopped (what ${request.indexUrl} sent was too large for it)`,
              ),
            );

      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        stopWatching();
        clearTimeout(timer);
        frameDeadline.clear();
        signal?.removeEventListener('abort', cancel);
        killStarted(child);
        channel.destroy();
        settle();
      };
      const fail = (code: 'resolution' | 'cancelled' | 'invalid', message: string): void =>
        finish(() => reject(new PackageError(code, message)));
      const broke = (why: string): void =>
        fail('invalid', `${names}: the package installer broke its protocol (${why}) and was stopped${this.report(stderr(), request)}`);
      const frameDeadline = new FrameDeadline(this.frameDeadlineMs, broke);
      const cancel = (): void => fail('cancelled', 'resolving PyPI packages was cancelled');
      const timer = setTimeout(
        () => fail('resolution', `resolving ${names} took longer than ${INSTALLER_TIMEOUT_MS / 60_000} minutes`),
        INSTALLER_TIMEOUT_MS,
      );
      signal?.addEventListener('abort', cancel, { once: true });

      channel.on('error', () => undefined);
      channel.on('data', (chunk: Buffer) => {
        if (settled) return;
        let replies: unknown[];
        try {
          replies = frames.push(chunk);
        } catch (error) {
          return broke(reasonOf(error));
        }
        if (replies.length > 1) return broke('it sent more than one reply');
        if (replies.length === 1) {
          let reply: InstallerReply;
          try {
            reply = checkInstallerReply(replies[0]);
          } catch (error) {
            return broke(reasonOf(error));
          }
          if (reply.type === 'resolved') return finish(() => resolve(reply.wheels));
          const why = sanitizeUntrusted(reply.message, this.hostPaths(request));
          return fail('resolution', `${names}: micropip could not resolve them from ${request.indexUrl}: ${why}`);
        }
        frameDeadline.update(frames, 0);
      });
      child.on('error', (error) => fail('resolution', `the package installer could not start: ${error.message}`));
      // 'close' rather than 'exit': stderr has been read to its end by then.
      child.on('close', (code, how) =>
        fail(
          'resolution',
          `the package installer ended (${how ?? `exit code ${code}`}) without an answer${this.report(stderr(), request)}`,
        ),
      );
      try {
        channel.write(encodeFrame({ ...request, distDir: this.distDir } satisfies InstallerRequest));
      } catch (error) {
        fail('resolution', `${names}: the request for the package installer is too large (${reasonOf(error)})`);
      }
    });
  }

  /** `; its stderr (untrusted): "…"`: the tail of what the installer wrote, quoted, or nothing. */
  private report(stderr: string, request: PyPIRequest): string {
    const text = sanitizeUntrusted(stderr, this.hostPaths(request));
    return text ? `; its stderr (untrusted): ${JSON.stringify(text)}` : '';
  }

  /** Host paths the installer's text must not show: the package cache (micropip's folder), the extension, home. */
  private hostPaths(request: PyPIRequest): ReadonlyArray<readonly [string, string]> {
    return [[path.resolve(path.dirname(request.micropipLocation)), '<package cache>'], ...hostPaths(this.distDir)];
  }
}
