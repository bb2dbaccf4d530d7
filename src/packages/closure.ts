/** The packages a set of requested ones needs, in an order Pyodide can load them in. */
import { PackageError } from './errors';

/** Anything with dependencies named by canonical name. */
export interface Dependent {
  readonly depends: readonly string[];
}

/**
 * The requested packages and everything they depend on, each once, dependencies before the
 * packages that need them (a depth-first post-order, so the order is stable for a given
 * request). A dependency cycle, which locks do not have, is broken where it closes.
 * @param find the package for a canonical name, or undefined when nothing provides it.
 */
export function loadOrder<T extends Dependent>(requested: readonly string[], find: (name: string) => T | undefined): T[] {
  const order: T[] = [];
  const seen = new Set<string>();
  const visit = (name: string, neededBy?: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const found = find(name);
    if (!found) {
      throw new PackageError('unknown', neededBy ? `${name}: needed by ${neededBy}, but nothing provides it` : `${name}: no such package`);
    }
    for (const dependency of found.depends) visit(dependency, name);
    order.push(found);
  };
  for (const name of requested) visit(name);
  return order;
}
