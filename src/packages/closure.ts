/** The packages a set of requested ones needs, in an order Pyodide can load them in. */
import { PackageError } from './errors';

/**
 * Most packages one plan may hold. The real lock's largest closure is under 100; an index (or
 * micropip's answer) that makes a request need thousands is hostile or broken, and each one
 * would cost a size request, a download and a slot in the sandbox's load.
 */
export const MAX_PLAN_PACKAGES = 500;

/** Anything with dependencies named by canonical name. */
export interface Dependent {
  readonly depends: readonly string[];
}

/**
 * The requested packages and everything they depend on, each once, dependencies before the
 * packages that need them (a depth-first post-order, so the order is stable for a given
 * request). A dependency cycle, which locks do not have, is broken where it closes. The walk
 * keeps its own stack: the dependencies come from an index, and a chain of thousands must not
 * overflow the call stack.
 * @param find the package for a canonical name, or undefined when nothing provides it.
 * @param limit most packages in the answer; more is a `too-large` PackageError.
 */
export function loadOrder<T extends Dependent>(
  requested: readonly string[],
  find: (name: string) => T | undefined,
  limit = MAX_PLAN_PACKAGES,
): T[] {
  const order: T[] = [];
  const seen = new Set<string>();
  // Each frame: a package being visited and how many of its dependencies were visited.
  const stack: { name: string; found: T; next: number }[] = [];
  const enter = (name: string, root: string, neededBy?: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    if (seen.size > limit)
      throw new PackageError('too-large', `${root}: the load needs more than ${limit} packages, the most one load may have`);
    const found = find(name);
    if (!found) {
      throw new PackageError('unknown', neededBy ? `${name}: needed by ${neededBy}, but nothing provides it` : `${name}: no such package`);
    }
    stack.push({ name, found, next: 0 });
  };
  for (const name of requested) {
    enter(name, name);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.found.depends.length) enter(top.found.depends[top.next++], name, top.name);
      else order.push(stack.pop()!.found);
    }
  }
  return order;
}
