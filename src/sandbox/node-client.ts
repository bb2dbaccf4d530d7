/**
 * The sandbox on Node: a locked-down child process (default) or a thread of this process,
 * started from the built `dist/` folder. The CLI, the benchmark, the tests and the extension
 * host on Node use it; the browser build never includes it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SandboxClient, type SandboxOptions } from './client';
import type { SpareTransports } from './spare-transports';
import type { ProcessConfig } from './process/config';
import type { Restrictions } from './protocol';
import { defaultLaunchSpec, hostPaths, startProcess, type LaunchFeature, type LaunchSpec } from './transport/child-process';
import { startInProcess } from './transport/in-process';
import type { Assessment, IsolationMode, TransportFactory } from './transport/transport';
import { sanitizeUntrusted } from './untrusted-text';

/** How sandboxes are started on Node. Every field has a default. */
export interface NodeTransportOptions {
  /** `process` (default): a locked-down child process; `worker`: a thread in this process. */
  readonly isolation?: IsolationMode;
  /** Folder of the built bundles and Pyodide assets; defaults to this bundle's folder. */
  readonly distDir?: string;
  /** Run the process in Linux namespaces: no network, no other processes, no orphan, a file system of its own (default true, where available). */
  readonly osIsolation?: boolean;
  /** Adjusts how the sandbox process is started (tests use it to drop a restriction or swap the script). */
  readonly launch?: (spec: LaunchSpec) => LaunchSpec;
  /** The package cache folder (one Pyodide version's): the sandbox process may read it, to load packages from it. */
  readonly packageCacheDir?: string;
}

/** A client's options on Node: its limits, and how its sandboxes are started. */
export type NodeSandboxOptions = Omit<SandboxOptions, 'transport'> & NodeTransportOptions;

/** Why a sandbox process with these restrictions must not run code, if it must not. */
function refuse(restrictions: Restrictions): string | undefined {
  if (!restrictions.codeGenerationBlocked) {
    return 'the sandbox process allows code generation from strings (--disallow-code-generation-from-strings did not take effect)';
  }
  if (!restrictions.environmentEmpty) return 'the sandbox process can see environment variables (its environment was not emptied)';
  return undefined;
}

function assessProcess(restrictions: Restrictions): Assessment {
  const refusal = refuse(restrictions);
  if (refusal) return { refusal };
  return {
    level:
      restrictions.permissionModel && restrictions.hostFilesDenied && restrictions.childProcessDenied
        ? 'process'
        : 'process-no-fs-permissions',
  };
}

/** `file` is inside `folder` (both absolute). */
function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * Makes sure the package cache folder exists before a sandbox process is granted reading it:
 * Node's permission model grants a folder that does not exist yet as a file, and nothing below it.
 */
function prepareReadableFolder(folder: string): void {
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch {
    // Then loading from it fails, with a message naming the package.
  }
}

/**
 * Starts sandboxes as Node does. A machine that refuses part of the process launch (Node's
 * permission flags, Linux namespaces, `--expose-gc`) is not asked again: later starts go without it, at the
 * isolation level that says so.
 */
export function nodeTransports(options: NodeTransportOptions = {}): TransportFactory {
  // Absolute: in a file system of its own the process starts in its new root, not in ours.
  const distDir = path.resolve(options.distDir ?? __dirname);
  const refused = new Set<LaunchFeature>();
  const worker = options.isolation === 'worker';
  return {
    start(start, events) {
      const config: ProcessConfig = {
        distDir,
        memoryLimitBytes: start.memoryLimitMb * 2 ** 20,
        inputEnabled: start.inputEnabled,
        boot: start.boot,
      };
      if (worker) return startInProcess(config, events);
      const packageCacheDir = options.packageCacheDir && path.resolve(options.packageCacheDir);
      if (packageCacheDir) prepareReadableFolder(packageCacheDir);
      const spec = defaultLaunchSpec(
        distDir,
        {
          permissionFlags: !refused.has('permission-flags'),
          osIsolation: options.osIsolation !== false && !refused.has('os-isolation'),
          ownFileSystem: !refused.has('own-file-system'),
          exposeGc: !refused.has('expose-gc'),
        },
        packageCacheDir ? [packageCacheDir] : [],
      );
      // The workspace files handed to it are held as bytes in the worker, besides Python's memory.
      const processMemoryMb = start.memoryLimitMb + start.readableMb;
      return startProcess((options.launch ?? ((given) => given))(spec), config, processMemoryMb, events, refused);
    },
    // A thread of this process has no restrictions to speak of: its level says so.
    assess: (restrictions) => (worker ? { level: 'worker' } : assessProcess(restrictions)),
    sanitize: (text) => sanitizeUntrusted(text, hostPaths(distDir)),
    // A process reads files through the permission model: only those in the package cache folder.
    canRead: (file) => worker || (options.packageCacheDir !== undefined && isInside(file.path, options.packageCacheDir)),
  };
}

/** What makes two Node sandboxes of a kind, so that one can stand in for the other: how they are hosted and started. */
export function spareKind(options: NodeSandboxOptions): string {
  const { isolation = 'process', distDir, osIsolation, packageCacheDir, memoryLimitMb, input, snapshot, maxReadableMb } = options;
  return JSON.stringify({ isolation, distDir, osIsolation, packageCacheDir, memoryLimitMb, input, snapshot, maxReadableMb });
}

/**
 * A sandbox client on Node (a process of its own, unless `isolation: "worker"`).
 * @param spares where a sandbox started ahead of need comes from, when one of this kind is
 *   there; not for a client whose launch is adjusted (`launch`), which no spare can stand for.
 */
export function createNodeClient(options: NodeSandboxOptions = {}, spares?: SpareTransports): SandboxClient {
  const transports = nodeTransports(options);
  const transport = spares && !options.launch ? spares.wrap(transports, spareKind(options)) : transports;
  return new SandboxClient({ ...options, transport });
}
