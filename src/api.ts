import type { SandboxClient } from './sandbox/client';
import { SandboxError } from './sandbox/client';
import type { PreparePackages } from './sandbox/package-memory';
import type { RunMode } from './sandbox/protocol';
import { toContract, type ContractResult } from './sandbox/result';

/** A runtime that belongs to one caller: one namespace across its calls, in a sandbox process of its own. */
export interface PythonSandboxSession {
  /** Runs statements; ok = everything printed to stdout and stderr, in order. */
  exec(statements: string): Promise<ContractResult>;
  /** Evaluates an expression; ok = `json.dumps(value)`. */
  eval(expression: string): Promise<ContractResult>;
  /** Stops the sandbox process. Later calls answer `{ err: "SandboxError: ..." }`. */
  dispose(): void;
}

/**
 * What `activate` returns to other extensions: the original component's two calls, each
 * resolving to `{ ok }` or `{ err }` exactly as the WIT interface `result<string, string>`, and
 * sessions. Parties never share a process: a compromised sandbox outlives the run that
 * compromised it and could read later runs, so `exec` and `eval` each run in a fresh sandbox
 * process, and a session is one process for whoever created it.
 */
export interface PythonSandboxApi {
  /** Runs statements in a fresh sandbox process, which ends with the call. */
  exec(statements: string): Promise<ContractResult>;
  /** Evaluates an expression in a fresh sandbox process, which ends with the call. */
  eval(expression: string): Promise<ContractResult>;
  /** A runtime of the caller's own, kept until `dispose()` (or until this extension deactivates). */
  createSession(): PythonSandboxSession;
}

/** What loads the packages a run of `code` needs, under the user's settings. */
export type PackagesFor = (code: string) => PreparePackages;

/** What the API's runtimes are made with. */
export interface ApiOptions {
  /** A sandbox client with the user's current settings. */
  readonly newClient: () => SandboxClient;
  /** The packages a run needs (its imports, its PEP 723 block, the setting), as for the user's runs. */
  readonly packagesFor: PackagesFor;
}

/** A failure of the sandbox itself, in the contract's shape. */
async function contractRun(client: SandboxClient, mode: RunMode, code: string, packagesFor: PackagesFor): Promise<ContractResult> {
  try {
    return toContract(await client.run(mode, code, { packages: packagesFor(code) }).result);
  } catch (error) {
    return { err: error instanceof SandboxError ? `SandboxError: ${error.message}` : String(error) };
  }
}

/**
 * The API over sandbox clients made with the user's current settings.
 * @returns the API, and a function that stops every session it handed out.
 */
export function createApi({ newClient, packagesFor }: ApiOptions): { api: PythonSandboxApi; dispose(): void } {
  const sessions = new Set<SandboxClient>();
  const once = async (mode: RunMode, code: string): Promise<ContractResult> => {
    const client = newClient();
    try {
      return await contractRun(client, mode, code, packagesFor);
    } finally {
      client.dispose();
    }
  };
  const api: PythonSandboxApi = {
    exec: (statements) => once('exec', statements),
    eval: (expression) => once('eval', expression),
    createSession: () => {
      const client = newClient();
      sessions.add(client);
      return {
        exec: (statements) => contractRun(client, 'exec', statements, packagesFor),
        eval: (expression) => contractRun(client, 'eval', expression, packagesFor),
        dispose: () => {
          sessions.delete(client);
          client.dispose();
        },
      };
    },
  };
  return {
    api,
    dispose: () => {
      for (const client of sessions) client.dispose();
      sessions.clear();
    },
  };
}
