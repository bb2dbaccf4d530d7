/** How a sandbox's isolation is described to people (no `vscode` import: unit-tested directly). */
import type { SandboxInfo } from '../sandbox/connection';
import type { IsolationLevel } from '../sandbox/transport/transport';

/** How each isolation level is described to people. */
export const ISOLATION_LABELS: Record<IsolationLevel, string> = {
  process: 'locked-down process',
  'process-no-fs-permissions': 'process, no file-system permissions',
  'browser-worker': 'browser worker (no host files or processes)',
  worker: 'worker thread only (weakest)',
};

/** The level, and what the OS adds to it where it does: the status bar tooltip's "Isolation:" line. */
export function describeIsolation(info: Pick<SandboxInfo, 'isolation' | 'osIsolated' | 'ownFileSystem'>): string {
  const label = ISOLATION_LABELS[info.isolation];
  if (!info.osIsolated) return label;
  const files = info.ownFileSystem ? ', a file system of its own with no host socket' : '';
  return `${label} in Linux namespaces (no network, no other processes${files})`;
}
