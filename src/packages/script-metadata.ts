/** PEP 723 inline script metadata: the `# /// script` block and its `dependencies`. */
import { PackageError } from './errors';
import { parseToml, TomlError, type TomlTable } from './toml';

/** What a script declares about what it needs. */
export interface ScriptMetadata {
  /** PEP 508 requirement strings, as written. */
  readonly dependencies: readonly string[];
  /** A specifier set for the Python version, e.g. `>=3.11`. */
  readonly requiresPython?: string;
}

/** The specification's own regular expression (blocks of `#` lines between `# /// TYPE` and `# ///`). */
const BLOCK = /^# \/\/\/ ([a-zA-Z0-9-]+)$\s((?:^#(?:| .*)$\s)+)^# \/\/\/$/gm;

/**
 * Reads the `script` block of `code`, or undefined when there is none. A second `script` block
 * or TOML that does not parse or has the wrong shape is a PackageError, as the specification
 * asks tools to refuse them rather than guess.
 */
export function readScriptMetadata(code: string): ScriptMetadata | undefined {
  // The expression reads lines ending in \n; editors on Windows hand over \r\n.
  const blocks = [...code.replace(/\r\n/g, '\n').matchAll(BLOCK)].filter((match) => match[1] === 'script');
  if (blocks.length === 0) return undefined;
  if (blocks.length > 1) fail('there is more than one "# /// script" block');
  const toml = blocks[0][2]
    .split(/(?<=\n)/)
    .map((line) => line.slice(line.startsWith('# ') ? 2 : 1))
    .join('');
  let table: TomlTable;
  try {
    table = parseToml(toml);
  } catch (error) {
    if (error instanceof TomlError) fail(`its TOML does not parse (${error.message})`);
    throw error;
  }
  const { dependencies = [], 'requires-python': requiresPython } = table;
  if (!Array.isArray(dependencies) || !dependencies.every((item) => typeof item === 'string')) {
    fail('"dependencies" must be an array of strings, e.g. dependencies = ["numpy", "attrs>=23"]');
  }
  if (requiresPython !== undefined && typeof requiresPython !== 'string') fail('"requires-python" must be a string, e.g. ">=3.11"');
  return { dependencies: dependencies as string[], ...(requiresPython === undefined ? {} : { requiresPython }) };
}

function fail(why: string): never {
  throw new PackageError('invalid', `inline script metadata (# /// script): ${why}`);
}
