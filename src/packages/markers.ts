/**
 * PEP 508 environment markers (`python_version >= "3.8" and sys_platform != "win32"`), read and
 * evaluated as `packaging` 26 reads and evaluates them: test/fixtures/packaging/markers.json
 * holds its answers for some 2,900 markers, and the unit tests check every one.
 */
import type { LockInfo } from './lock';
import { canonicalName } from './names';
import { parseSpecifier, satisfies } from './specifier';

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

/**
 * A parsed marker: evaluate it against an environment. Where packaging's `evaluate` raises (`~=`
 * or `===` between values that are not versions, a variable the environment lacks), it throws a
 * MarkerError.
 */
export type Marker = (environment: MarkerEnvironment) => boolean;

/** A marker that reads, and cannot be evaluated in the environment it was given. */
export class MarkerError extends Error {}

/** Parses a marker expression; returns why it is invalid as a string. */
export function parseMarker(text: string): Marker | string {
  try {
    const expression = new MarkerReader(text).marker();
    return (environment) => evaluate(expression, environment);
  } catch (error) {
    if (error instanceof MarkerSyntaxError) return error.message;
    throw error;
  }
}

/** One side of a comparison: a variable, by its name, or a string, by its value. */
interface Operand {
  readonly variable: boolean;
  readonly text: string;
}

interface Comparison {
  readonly left: Operand;
  readonly op: string;
  readonly right: Operand;
  /** As written, for messages. */
  readonly source: string;
}

/** An `or` of `and`s of comparisons and parenthesised expressions. */
type Expression = readonly (readonly (Comparison | Expression)[])[];

/** Python's `\b` around a word: no letter, digit or `_` just before or after it. */
function word(pattern: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${pattern})(?![\\p{L}\\p{N}_])`, 'uy');
}

/** packaging's tokens. Each is tried where the reader stands: only WHITE_SPACE skips white space. */
const WHITE_SPACE = /[ \t]+/y;
const QUOTED_STRING = /'[^']*'|"[^"]*"/y;
const OPERATOR = /===|==|~=|!=|<=|>=|<|>/y;
const BOOLEAN = word('or|and');
const IN = word('in');
const NOT = word('not');
/** The variables, with the old spellings packaging still takes (`os.name`, `python_implementation`). */
const VARIABLE = word(
  'python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)' +
    '|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)' +
    '|extras?|dependency_groups',
);

class MarkerSyntaxError extends Error {}

/** Parentheses nest at most this deep: deeper is refused, not a stack overflow (packaging's reader, recursive too, stops near 250). */
const MAX_DEPTH = 100;

/** A recursive-descent reader with packaging's grammar, which is PEP 508's, white space included. */
class MarkerReader {
  private position = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  /** The whole text: an expression, then the end (Python's `$` also takes one last newline). */
  marker(): Expression {
    const expression = this.expression();
    const rest = this.text.slice(this.position);
    if (rest !== '' && rest !== '\n') this.fail('the end, or and/or');
    return expression;
  }

  private take(token: RegExp): string | undefined {
    token.lastIndex = this.position;
    const found = token.exec(this.text)?.[0];
    if (found !== undefined) this.position += found.length;
    return found;
  }

  private fail(what: string): never {
    const rest = this.text.slice(this.position);
    throw new MarkerSyntaxError(`expected ${what} ${rest ? `at '${rest}'` : 'at its end'} in marker '${this.text.trim()}'`);
  }

  /** `atom (and|or atom)*`, grouped so that `and` binds tighter. */
  private expression(): Expression {
    const groups: (Comparison | Expression)[][] = [[this.atom()]];
    for (let joiner = this.take(BOOLEAN); joiner !== undefined; joiner = this.take(BOOLEAN)) {
      const atom = this.atom();
      if (joiner === 'or') groups.push([atom]);
      else groups[groups.length - 1].push(atom);
    }
    return groups;
  }

  private atom(): Comparison | Expression {
    this.take(WHITE_SPACE);
    let atom: Comparison | Expression;
    if (this.text[this.position] === '(') {
      if (++this.depth > MAX_DEPTH) {
        const text = this.text.trim();
        throw new MarkerSyntaxError(
          `parentheses nest deeper than ${MAX_DEPTH} in marker '${text.length > 100 ? `${text.slice(0, 100)}…` : text}'`,
        );
      }
      this.position++;
      this.take(WHITE_SPACE);
      atom = this.expression();
      this.depth--;
      this.take(WHITE_SPACE);
      if (this.text[this.position] !== ')') this.fail("')'");
      this.position++;
    } else atom = this.comparison();
    this.take(WHITE_SPACE);
    return atom;
  }

  private comparison(): Comparison {
    const start = this.position;
    let left = this.operand();
    this.take(WHITE_SPACE);
    const op = this.operator();
    this.take(WHITE_SPACE);
    let right = this.operand();
    const source = this.text.slice(start, this.position);
    // PEP 685: an extra compared with `extra` is compared by its normal name.
    if (left.variable && left.text === 'extra') right = { ...right, text: canonicalName(right.text) };
    else if (right.variable && right.text === 'extra') left = { ...left, text: canonicalName(left.text) };
    return { left, op, right, source };
  }

  private operand(): Operand {
    const variable = this.take(VARIABLE);
    if (variable !== undefined) {
      const name = variable.replace('.', '_');
      return { variable: true, text: name === 'python_implementation' ? 'platform_python_implementation' : name };
    }
    const string = this.take(QUOTED_STRING);
    if (string === undefined) return this.fail('a marker variable or a quoted string');
    // packaging reads a string as a Python literal; PEP 508's strings have no escapes, nor line breaks.
    if (/[\\\n\r\0]/.test(string)) {
      this.position -= string.length;
      return this.fail('a string without a backslash, a line break or a NUL');
    }
    return { variable: false, text: string.slice(1, -1) };
  }

  private operator(): string {
    if (this.take(IN) !== undefined) return 'in';
    if (this.take(NOT) !== undefined) {
      if (this.take(WHITE_SPACE) === undefined || this.take(IN) === undefined) this.fail("' in' after 'not'");
      return 'not in';
    }
    return this.take(OPERATOR) ?? this.fail('an operator (<, <=, ==, !=, >=, >, ~=, ===, in, not in)');
  }
}

/** packaging evaluates every comparison, so that one that cannot be evaluated fails the marker wherever it is. */
function evaluate(expression: Expression, environment: MarkerEnvironment): boolean {
  const groups = expression.map((group) => group.map((atom) => ('op' in atom ? compare(atom, environment) : evaluate(atom, environment))));
  return groups.some((group) => group.every(Boolean));
}

/** Compared as versions when the variable is one of these and `op other` reads as a version specifier. */
const VERSION_VARIABLES = new Set(['implementation_version', 'platform_release', 'python_full_version', 'python_version']);

/**
 * As packaging compares: the variable's value on its side and the other operand's text on the
 * other (with a string on the left, the right operand names the variable, whatever its kind).
 */
function compare({ left, op, right, source }: Comparison, environment: MarkerEnvironment): boolean {
  const name = left.variable ? left.text : right.text;
  const value = lookUp(environment, name, source);
  const [lhs, rhs] = left.variable ? [value, right.text] : [left.text, value];
  if (VERSION_VARIABLES.has(name)) {
    const specifier = parseSpecifier(`${op}${rhs}`);
    if (typeof specifier !== 'string') return satisfies(lhs, [specifier]);
  }
  switch (op) {
    case 'in':
      return rhs.includes(lhs);
    case 'not in':
      return !rhs.includes(lhs);
    // Strings have no order: packaging 26 answers < and > with false, <= and >= as ==.
    case '<':
    case '>':
      return false;
    case '<=':
    case '==':
    case '>=':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    default:
      throw new MarkerError(
        `the marker '${source}' cannot be evaluated: ${op} compares versions, and '${lhs}' ${op} '${rhs}' is not a version comparison`,
      );
  }
}

/** A variable's value, as packaging's `evaluate` reads it: the extra by its normal name, an untagged `3.14.2+` as `3.14.2+local`. */
function lookUp(environment: MarkerEnvironment, name: string, source: string): string {
  if (name === 'extra') return environment.extra ? canonicalName(environment.extra) : '';
  if (!Object.hasOwn(environment, name))
    throw new MarkerError(`the marker '${source}' cannot be evaluated: '${name}' is not a marker variable here`);
  const value = environment[name];
  return name === 'python_full_version' && value.endsWith('+') ? `${value}local` : value;
}
