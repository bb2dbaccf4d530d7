/**
 * Module resolution hooks for the Pyodide worker (registered by import-guard-register.ts). The
 * worker may import Pyodide's two modules and nothing else: no `node:` built-in, no `data:` URL,
 * no other file. Pyodide's browser code imports whatever URL it is given (`loadScript`), and
 * Python may reach that function, so this list is what keeps `import()` from becoming a way out.
 */

/** What the register script passes: the exact URLs that may be imported. */
export interface ImportGuardData {
  readonly allowed: readonly string[];
}

let allowed = new Set<string>();

/** Receives the allow-list once, when the hooks are registered. */
export function initialize(data: ImportGuardData): void {
  allowed = new Set(data.allowed);
}

type NextResolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

/** Resolves as Node would, then refuses any URL not on the list. */
export async function resolve(specifier: string, context: unknown, next: NextResolve): Promise<{ url: string }> {
  const resolved = await next(specifier, context);
  if (!allowed.has(resolved.url)) throw new Error(`the sandbox does not allow importing ${specifier.slice(0, 100)}`);
  return resolved;
}
