import type { SandboxRuntime } from './session/runtime';
import { toContract, type ContractResult } from './sandbox/result';

/**
 * What `activate` returns to other extensions: the original component's two calls, each
 * resolving to `{ ok }` or `{ err }` exactly as the WIT interface `result<string, string>`.
 * Calls run in a runtime of their own, apart from the user's namespace.
 */
export interface PythonSandboxApi {
  /** Runs statements; ok = everything printed to stdout and stderr, in order. */
  exec(statements: string): Promise<ContractResult>;
  /** Evaluates an expression; ok = `json.dumps(value)`. */
  eval(expression: string): Promise<ContractResult>;
}

/** The API over a runtime reserved for callers other than the user. */
export function createApi(runtime: SandboxRuntime): PythonSandboxApi {
  return {
    exec: async (statements) => toContract(await runtime.run('exec', statements)),
    eval: async (expression) => toContract(await runtime.run('eval', expression)),
  };
}
