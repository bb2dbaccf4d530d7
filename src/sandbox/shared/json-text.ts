/**
 * Measures of JSON text taken before it is parsed or reshaped: text from the sandbox or an index
 * can be small and still cost much to parse (`[],` a million times) or to indent (deep nesting).
 * No `vscode` and no Node import.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** `[` or `{`. */
const opens = (c: number): boolean => c === 0x5b || c === 0x7b;
/** `]` or `}`. */
const closes = (c: number): boolean => c === 0x5d || c === 0x7d;

/** Calls `visit` with the code of each `[ ] { } ,` outside strings, in order, until it returns false. */
function scanStructure(text: string, visit: (char: number) => boolean): void {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if ((opens(c) || closes(c) || c === COMMA) && !visit(c)) {
      return;
    }
  }
}

/**
 * Counts the containers and elements JSON text would create (`[`, `{` and `,` outside strings).
 * Returns early once past `limit`.
 */
export function countJsonValues(text: string, limit: number): number {
  let count = 0;
  scanStructure(text, (c) => closes(c) || ++count <= limit);
  return count;
}

/** How deeply JSON text nests arrays and objects, counting no further than `limit + 1`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  scanStructure(text, (c) => {
    if (opens(c)) deepest = Math.max(deepest, ++depth);
    else if (closes(c)) depth--;
    return deepest <= limit;
  });
  return deepest;
}
