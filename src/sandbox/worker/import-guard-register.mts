/**
 * Runs first in the Pyodide worker (`--import`), before its own script, and installs the import
 * guard for this thread only. The worker's start-up data names what may be imported.
 */
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';
import type { ImportGuardData } from './import-guard.mjs';

const data: ImportGuardData = { allowed: (workerData as { allowedImports: string[] }).allowedImports };
register(new URL('./sandbox-import-guard.mjs', import.meta.url), { data });
