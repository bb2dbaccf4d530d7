/**
 * The modules a piece of Python imports, as `pyodide.code.find_imports` finds them: every
 * `import a.b` and `from a.b import c` anywhere in the code (inside functions, `try` blocks,
 * `if TYPE_CHECKING:`), by the top-level name. Relative imports (`from .a import b`) are left
 * out: they name the user's own modules, never a package (find_imports keeps `a`).
 *
 * find_imports parses the code with `ast`; this scanner reads tokens instead, which is enough
 * because `import` and `from` are hard keywords: outside strings and comments they only start
 * imports (or, for `from`, `yield from` and `raise ... from`, which no `import` follows). The
 * work is in skipping strings exactly, including f-strings whose fields hold strings of their
 * own (Python 3.12+). Unlike find_imports, code with a syntax error still has its imports found.
 */

type Token = { readonly kind: 'name' | 'op' | 'newline'; readonly text: string };

/**
 * Where each logical line of `code` starts (offsets, after its indentation): the places a line of
 * IPython's syntax can begin (`%pip install ...`), outside strings and brackets.
 */
export function logicalLineStarts(code: string): number[] {
  return new Scanner(code).scan().lineStarts;
}

/** Top-level module names imported by `code`, sorted and without repeats. */
export function findImports(code: string): string[] {
  const { tokens } = new Scanner(code).scan();
  const found = new Set<string>();
  const nameAt = (i: number): string | undefined =>
    tokens[i]?.kind === 'name' && !KEYWORDS.has(tokens[i].text) ? tokens[i].text : undefined;
  /** Skips `.name` parts of a dotted name that starts at `i`; returns the index after it. */
  const afterDottedName = (i: number): number => {
    while (tokens[i]?.text === '.' && nameAt(i + 1) !== undefined) i += 2;
    return i;
  };
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== 'name') continue;
    if (tokens[i].text === 'import') {
      // import a.b as c, d
      for (let j = i + 1; ; j++) {
        const name = nameAt(j);
        if (name === undefined) break;
        found.add(name);
        j = afterDottedName(j + 1);
        if (tokens[j]?.text === 'as' && nameAt(j + 1) !== undefined) j += 2;
        if (tokens[j]?.text !== ',') break;
      }
    } else if (tokens[i].text === 'from') {
      // from ..a.b import c: count the dots, read the module, and it is an import only if `import` follows.
      let j = i + 1;
      while (tokens[j]?.text === '.') j++;
      const relative = j > i + 1;
      const module = nameAt(j);
      if (module !== undefined) j = afterDottedName(j + 1);
      if (tokens[j]?.text !== 'import' || (module === undefined && !relative)) continue;
      if (module !== undefined && !relative) found.add(module);
      // The `import` after the module belongs to this statement: the names after it are not modules.
      i = j;
    }
  }
  // Python reads identifiers in NFKC form: `ｎｕｍｐｙ` is `numpy`, and one import with it.
  return [...new Set([...found].map((name) => name.normalize('NFKC')))].sort();
}

/** Hard keywords that can never be a module name. */
const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]); // prettier-ignore

const IDENTIFIER = /[\p{XID_Start}_][\p{XID_Continue}]*/uy;
const NUMBER = /(?:\d[\w]*(?:\.\w*)?|\.\d\w*)(?:(?<=[eE])[+-]\w+)?/y;
const STRING_PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;
/**
 * CPython reads f-strings (and t-strings) nested 149 deep and refuses more; fields deeper than
 * that are skipped as text, so that the scanner's recursion stays bounded.
 */
const MAX_FIELD_DEPTH = 149;

/** What the enclosing string of an f-string field is, to know where its format spec ends. */
interface StringShape {
  readonly quote: string;
  readonly triple: boolean;
  readonly raw: boolean;
  readonly format: boolean;
}

/** Turns code into the tokens imports are read from; strings, numbers and comments are dropped. */
class Scanner {
  private position = 0;
  private fieldDepth = 0;
  private readonly tokens: Token[] = [];
  private readonly lineStarts: number[] = [];
  private atLineStart = true;

  constructor(private readonly source: string) {}

  scan(): { tokens: Token[]; lineStarts: number[] } {
    this.code(false);
    return { tokens: this.tokens, lineStarts: this.lineStarts };
  }

  /**
   * Reads code up to the end, or, inside an f-string field, up to what ends the expression:
   * `}`, `:` (a format spec follows) or `!` (a conversion) at bracket depth 0, left unread.
   */
  private code(inField: boolean): void {
    const source = this.source;
    let depth = 0;
    while (this.position < source.length) {
      const char = source[this.position];
      if (!inField && depth === 0 && this.atLineStart && char !== ' ' && char !== '\t' && char !== '\f') {
        this.atLineStart = false;
        this.lineStarts.push(this.position);
      }
      if (char === ' ' || char === '\t' || char === '\f') this.position++;
      else if (char === '\\' && /^\\\r?\n/.test(source.slice(this.position, this.position + 3)))
        this.position += source[this.position + 1] === '\r' ? 3 : 2;
      else if (char === '#') this.skipComment();
      else if (char === '\n' || char === '\r') {
        this.position++;
        if (!inField && depth === 0) {
          this.emit('newline', '\n');
          this.atLineStart = true;
        }
      } else if (char === '"' || char === "'") this.string('');
      else if (this.word(inField)) continue;
      else if (this.number()) continue;
      else if (inField && depth === 0 && (char === '}' || char === ':' || (char === '!' && source[this.position + 1] !== '='))) return;
      else {
        if ('([{'.includes(char)) depth++;
        else if (')]}'.includes(char)) depth = Math.max(0, depth - 1);
        if (!inField) this.emit('op', char);
        this.position++;
      }
    }
  }

  private emit(kind: Token['kind'], text: string): void {
    this.tokens.push({ kind, text });
  }

  private skipComment(): void {
    while (this.position < this.source.length && this.source[this.position] !== '\n' && this.source[this.position] !== '\r')
      this.position++;
  }

  /** A name, or a string with a prefix (`rb"..."`); false when there is no name here. */
  private word(inField: boolean): boolean {
    IDENTIFIER.lastIndex = this.position;
    const name = IDENTIFIER.exec(this.source)?.[0];
    if (name === undefined) return false;
    this.position += name.length;
    const next = this.source[this.position];
    if ((next === '"' || next === "'") && STRING_PREFIX.test(name)) this.string(name);
    else if (!inField) this.emit('name', name);
    return true;
  }

  private number(): boolean {
    NUMBER.lastIndex = this.position;
    const number = NUMBER.exec(this.source)?.[0];
    if (!number) return false;
    this.position += number.length;
    return true;
  }

  /** A string literal that starts at the quote under the cursor. */
  private string(prefix: string): void {
    const quote = this.source[this.position];
    const triple = this.source.startsWith(quote.repeat(3), this.position);
    this.position += triple ? 3 : 1;
    this.stringBody({ quote, triple, raw: /r/i.test(prefix), format: /[ft]/i.test(prefix) }, false);
  }

  /**
   * The rest of a string up to and including its closing quote, or, for an f-string's format
   * spec (`inSpec`), up to the `}` that ends the field. A one-line string that meets a newline
   * is unterminated: it ends there and the newline is read as code.
   */
  private stringBody(shape: StringShape, inSpec: boolean): void {
    const source = this.source;
    const close = shape.triple ? shape.quote.repeat(3) : shape.quote;
    while (this.position < source.length) {
      const char = source[this.position];
      if (char === '\\') this.position += this.escapeLength(shape);
      else if (source.startsWith(close, this.position)) {
        if (!inSpec) this.position += close.length;
        return;
      } else if (!shape.triple && (char === '\n' || char === '\r')) return;
      else if (shape.format && char === '{' && !inSpec && source[this.position + 1] === '{') this.position += 2;
      else if (shape.format && char === '{' && this.fieldDepth < MAX_FIELD_DEPTH) {
        this.position++;
        this.fieldDepth++;
        this.field(shape);
        this.fieldDepth--;
      } else if (inSpec && char === '}') return;
      else this.position++;
    }
  }

  /** How many characters a backslash takes: `\N{...}` in a non-raw string, none of a field's brace. */
  private escapeLength(shape: StringShape): number {
    const next = this.source[this.position + 1];
    if (shape.format && next === '{') return 1;
    if (!shape.raw && next === 'N' && this.source[this.position + 2] === '{') {
      const end = this.source.indexOf('}', this.position);
      if (end >= 0) return end + 1 - this.position;
    }
    return next === '\r' && this.source[this.position + 2] === '\n' ? 3 : 2;
  }

  /** An f-string field after its `{`: the expression, a conversion, a format spec, the `}`. */
  private field(shape: StringShape): void {
    this.code(true);
    if (this.source[this.position] === '!') {
      this.position++;
      IDENTIFIER.lastIndex = this.position;
      this.position += IDENTIFIER.exec(this.source)?.[0].length ?? 0;
    }
    if (this.source[this.position] === ':') {
      this.position++;
      this.stringBody(shape, true);
    }
    if (this.source[this.position] === '}') this.position++;
  }
}
