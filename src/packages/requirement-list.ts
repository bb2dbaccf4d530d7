/** A comma-separated list of requirements, as `--packages` takes it: `numpy,attrs>=1,<2`. */

/**
 * Splits `text` at the commas that separate requirements. A comma inside a requirement (its
 * version list `attrs>=1,<2`, its extras `pkg[a,b]`, a quoted marker value) is not one: a
 * separating comma stands outside brackets and quotes, and a package name follows it.
 */
export function splitRequirementList(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '[' || char === '(') {
      depth++;
    } else if (char === ']' || char === ')') {
      depth = Math.max(0, depth - 1);
    } else if (char === ',' && depth === 0 && /^\s*[A-Za-z0-9]/.test(text.slice(i + 1))) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  // A comma no name follows (trailing, doubled) separates nothing.
  return parts.map((part) => part.replace(/^[\s,]+|[\s,]+$/g, '')).filter((part) => part !== '');
}
