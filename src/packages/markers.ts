/** PEP 508 environment markers (`python_version >= "3.8" and sys_platform != "win32"`). */
import type { LockInfo } from './lock';
import { parseSpecifiers, satisfies, type Operator } from './specifier';

/** The marker variables and their values in the environment that will run the packages. */
export type MarkerEnvironment = Readonly<Record<string, string>>;

/**
 * Pyodide's marker environment, derived from the lock's `info`: the values
 * `packaging.markers.default_environment()` gives inside Pyodide (a unit test checks them
 * against the real one).
 */
export function pyodideEnvironment(info: LockInfo): MarkerEnvironment {
  const [major, minor] = info.python.split('.');
  return {
    implementation_name: 'cpython',
    implementation_version: info.python,
    os_name: 'posix',
    platform_machine: info.arch,
    platform_release: info.platform.replace(/^emscripten_/, '').replace(/_/g, '.'),
    platform_system: 'Emscripten',
    platform_version: '#1',
    python_full_version: info.python,
    platform_python_implementation: 'CPython',
    python_version: `${major}.${minor}`,
    sys_platform: 'emscripten',
    extra: '',
  };
}

/** A parsed marker: evaluate it against an environment. */
export type Marker = (environment: MarkerEnvironment) => boolean;

type Token = { kind: 'string' | 'name' | 'op' | '(' | ')'; text: string };

const TOKEN = /\s*(?:(['"])(.*?)\1|(\(|\))|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b)|([A-Za-z_][A-Za-z0-9_.]*))/y;

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) return `cannot read the marker at '${text.slice(at).trim()}'`;
    const [, quote, string, paren, op, name] = match;
    if (quote) tokens.push({ kind: 'string', text: string });
    else if (paren) tokens.push({ kind: paren as '(' | ')', text: paren });
    else if (op) tokens.push({ kind: 'op', text: op.replace(/\s+/, ' ') });
    else tokens.push({ kind: 'name', text: name });
  }
  return tokens;
}

/** Parses a marker expression; returns why it is invalid as a string. */
export function parseMarker(text: string): Marker | string {
  const tokenized = tokenize(text);
  if (typeof tokenized === 'string') return tokenized;
  const tokens = tokenized;
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const fail = (what: string): never => {
    throw new MarkerSyntaxError(`expected ${what} in marker '${text.trim()}'`);
  };

  /** `operand (word operand)*`: `or` of `and`s of atoms, so that `and` binds tighter. */
  function joined(word: 'or' | 'and', operand: () => Marker): Marker {
    const parts = [operand()];
    while (peek()?.text === word) {
      position++;
      parts.push(operand());
    }
    return word === 'or'
      ? (environment) => parts.some((part) => part(environment))
      : (environment) => parts.every((part) => part(environment));
  }
  function orExpression(): Marker {
    return joined('or', () => joined('and', atom));
  }
  function atom(): Marker {
    if (peek()?.kind === '(') {
      position++;
      const inner = orExpression();
      if (peek()?.kind !== ')') fail("')'");
      position++;
      return inner;
    }
    const left = value();
    const op = peek();
    if (op?.kind !== 'op' || op.text === 'and' || op.text === 'or') return fail('a comparison operator');
    position++;
    const right = value();
    return (environment) => compare(left(environment), op.text, right(environment));
  }
  function value(): (environment: MarkerEnvironment) => string {
    const token = tokens[position++];
    if (token?.kind === 'string') return () => token.text;
    if (token?.kind === 'name' && MARKER_VARIABLES.has(token.text)) return (environment) => environment[token.text] ?? '';
    return fail(`a quoted string or a marker variable${token ? ` instead of '${token.text}'` : ''}`);
  }

  try {
    const marker = orExpression();
    if (position < tokens.length) fail(`the end, not '${tokens[position].text}',`);
    return marker;
  } catch (error) {
    if (error instanceof MarkerSyntaxError) return error.message;
    throw error;
  }
}

class MarkerSyntaxError extends Error {}

const MARKER_VARIABLES = new Set([
  'python_version',
  'python_full_version',
  'implementation_version',
  'platform_release',
  'implementation_name',
  'os_name',
  'platform_machine',
  'platform_system',
  'platform_version',
  'platform_python_implementation',
  'sys_platform',
  'extra',
]);

/** As packaging does: a version comparison when `op right` reads as a specifier, else strings. */
function compare(left: string, op: string, right: string): boolean {
  if (op === 'in') return right.includes(left);
  if (op === 'not in') return !right.includes(left);
  const specifiers = parseSpecifiers(`${op}${right}`);
  if (typeof specifiers !== 'string') return satisfies(left, specifiers);
  switch (op as Operator) {
    case '==':
    case '===':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      return false;
  }
}
