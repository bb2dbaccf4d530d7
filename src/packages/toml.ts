/**
 * A small TOML reader for inline script metadata (PEP 723). It reads all of TOML's syntax
 * (tables, dotted keys, every string and number form, arrays, inline tables, dates) so that a
 * block with a `[tool.*]` table parses; dates come back as `TomlDateTime` holding their text.
 */

export type TomlValue = string | number | boolean | TomlDateTime | TomlValue[] | TomlTable;

export interface TomlTable {
  [key: string]: TomlValue;
}

/** A date, time or date-time, kept as written (nothing here needs its value). */
export class TomlDateTime {
  constructor(readonly text: string) {}
}

/** A syntax error, with the 1-based line of the TOML where it was found. */
export class TomlError extends Error {}

const BARE_KEY = /[A-Za-z0-9_-]+/y;
const SCALAR = /[^\s,\]}#]+/y;
const INTEGER = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const RADIX_INTEGER = /^0(?:x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|o[0-7](?:_?[0-7])*|b[01](?:_?[01])*)$/;
const FLOAT = /^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|nan)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$/;
const TIME = /^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** Parses a TOML document; a syntax error or a key defined twice throws a TomlError. */
export function parseToml(text: string): TomlTable {
  return new TomlReader(text).document();
}

class TomlReader {
  private position = 0;
  /** Tables a header or a value defined whole; defining one again is an error. */
  private readonly closed = new WeakSet<object>();
  /** Arrays made by `[[header]]`, the only arrays a header may extend. */
  private readonly tableArrays = new WeakSet<object>();

  constructor(private readonly text: string) {}

  document(): TomlTable {
    const root: TomlTable = {};
    let table = root;
    while (this.position < this.text.length) {
      this.skipSpaces();
      const char = this.text[this.position];
      if (char === '[') table = this.header(root);
      else if (char !== undefined && char !== '\n' && char !== '\r' && char !== '#') this.keyValue(table);
      this.endOfLine();
    }
    return root;
  }

  private fail(what: string): never {
    const line = this.text.slice(0, this.position).split('\n').length;
    throw new TomlError(`line ${line}: ${what}`);
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ' || this.text[this.position] === '\t') this.position++;
  }

  /** Spaces, comments and newlines, as arrays allow between their items. */
  private skipBlank(): void {
    for (;;) {
      this.skipSpaces();
      if (this.text[this.position] === '#') this.skipComment();
      if (this.text[this.position] !== '\n' && this.text[this.position] !== '\r') return;
      this.position++;
    }
  }

  private skipComment(): void {
    const end = this.text.indexOf('\n', this.position);
    this.position = end < 0 ? this.text.length : end;
  }

  private endOfLine(): void {
    this.skipSpaces();
    if (this.text[this.position] === '#') this.skipComment();
    if (this.text.startsWith('\r\n', this.position)) this.position++;
    if (this.position < this.text.length && this.text[this.position] !== '\n') this.fail(`unexpected '${this.text[this.position]}'`);
    this.position++;
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.position)) this.fail(`expected '${token}'`);
    this.position += token.length;
  }

  private header(root: TomlTable): TomlTable {
    const array = this.text.startsWith('[[', this.position);
    this.position += array ? 2 : 1;
    this.skipSpaces();
    const keys = this.key();
    this.skipSpaces();
    this.expect(array ? ']]' : ']');
    const parent = this.walk(root, keys.slice(0, -1));
    const last = keys[keys.length - 1];
    const existing = parent[last];
    if (array) {
      if (existing !== undefined && !this.tableArrays.has(existing as object)) this.fail(`'${keys.join('.')}' is already defined`);
      const tables = (existing as TomlTable[] | undefined) ?? [];
      if (!existing) this.tableArrays.add((parent[last] = tables));
      const table: TomlTable = {};
      tables.push(table);
      return table;
    }
    if (existing !== undefined && (!isTable(existing) || this.closed.has(existing))) this.fail(`'${keys.join('.')}' is already defined`);
    const table = (existing as TomlTable | undefined) ?? (parent[last] = {});
    this.closed.add(table);
    return table;
  }

  /** The table at `keys` below `table`, making tables on the way; a `[[array]]` leads to its last table. */
  private walk(table: TomlTable, keys: readonly string[]): TomlTable {
    for (const key of keys) {
      const next: TomlValue = table[key] ?? (table[key] = {});
      if (Array.isArray(next) && this.tableArrays.has(next)) table = next[next.length - 1] as TomlTable;
      else if (isTable(next)) table = next;
      else this.fail(`'${key}' is not a table`);
    }
    return table;
  }

  private keyValue(table: TomlTable): void {
    const keys = this.key();
    this.skipSpaces();
    this.expect('=');
    this.skipSpaces();
    const value = this.value();
    const parent = this.walk(table, keys.slice(0, -1));
    if (this.closed.has(parent) && parent !== table) this.fail(`'${keys.join('.')}' extends a table defined elsewhere`);
    const last = keys[keys.length - 1];
    if (last in parent) this.fail(`'${keys.join('.')}' is already defined`);
    parent[last] = value;
  }

  private key(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.skipSpaces();
      const char = this.text[this.position];
      if (char === '"') keys.push(this.basicString());
      else if (char === "'") keys.push(this.literalString());
      else {
        BARE_KEY.lastIndex = this.position;
        const match = BARE_KEY.exec(this.text);
        if (!match) this.fail('expected a key');
        keys.push(match[0]);
        this.position = BARE_KEY.lastIndex;
      }
      this.skipSpaces();
      if (this.text[this.position] !== '.') return keys;
      this.position++;
    }
  }

  private value(): TomlValue {
    const rest = this.text.slice(this.position, this.position + 3);
    if (rest === '"""') return this.multilineString('"""');
    if (rest === "'''") return this.multilineString("'''");
    switch (this.text[this.position]) {
      case '"':
        return this.basicString();
      case "'":
        return this.literalString();
      case '[':
        return this.array();
      case '{':
        return this.inlineTable();
      default:
        return this.scalar();
    }
  }

  private basicString(): string {
    this.position++;
    let value = '';
    for (;;) {
      const char = this.text[this.position++];
      if (char === undefined || char === '\n') this.fail('unterminated string');
      if (char === '"') return value;
      value += char === '\\' ? this.escape() : char;
    }
  }

  private escape(): string {
    const char = this.text[this.position++];
    if (char in ESCAPES) return ESCAPES[char];
    const digits = char === 'u' ? 4 : char === 'U' ? 8 : char === 'x' ? 2 : 0;
    const hex = this.text.slice(this.position, this.position + digits);
    if (digits === 0 || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== digits) this.fail(`bad escape '\\${char}'`);
    this.position += digits;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail(`bad escape '\\${char}${hex}'`);
    return String.fromCodePoint(code);
  }

  private literalString(): string {
    const end = this.text.indexOf("'", this.position + 1);
    const newline = this.text.indexOf('\n', this.position + 1);
    if (end < 0 || (newline >= 0 && newline < end)) this.fail('unterminated string');
    const value = this.text.slice(this.position + 1, end);
    this.position = end + 1;
    return value;
  }

  private multilineString(delimiter: '"""' | "'''"): string {
    this.position += 3;
    // A newline right after the opening delimiter is not part of the string.
    if (this.text.startsWith('\r\n', this.position)) this.position += 2;
    else if (this.text[this.position] === '\n') this.position++;
    let value = '';
    for (;;) {
      if (this.position >= this.text.length) this.fail('unterminated string');
      if (this.text.startsWith(delimiter, this.position)) {
        // Up to two quotes just before the closing delimiter belong to the string.
        let quotes = 0;
        while (quotes < 2 && this.text[this.position + 3 + quotes] === delimiter[0]) quotes++;
        this.position += 3 + quotes;
        return value + delimiter[0].repeat(quotes);
      }
      const char = this.text[this.position++];
      if (char === '\\' && delimiter === '"""') {
        const trimmed = /^[ \t]*\r?\n[\s]*/.exec(this.text.slice(this.position));
        if (trimmed) this.position += trimmed[0].length;
        else value += this.escape();
      } else value += char;
    }
  }

  private array(): TomlValue[] {
    this.position++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.text[this.position] === ']') break;
      items.push(this.value());
      this.skipBlank();
      if (this.text[this.position] === ',') this.position++;
      else if (this.text[this.position] !== ']') this.fail("expected ',' or ']' in an array");
    }
    this.position++;
    return items;
  }

  private inlineTable(): TomlTable {
    this.position++;
    const table: TomlTable = {};
    this.skipSpaces();
    if (this.text[this.position] === '}') return (this.position++, table);
    for (;;) {
      this.skipSpaces();
      this.keyValue(table);
      this.skipSpaces();
      if (this.text[this.position] === '}') break;
      this.expect(',');
    }
    this.position++;
    this.closed.add(table);
    return table;
  }

  private scalar(): TomlValue {
    SCALAR.lastIndex = this.position;
    let token = SCALAR.exec(this.text)?.[0] ?? '';
    // A date and a time may be separated by a space: `1979-05-27 07:32:00Z`.
    const time = DATE.test(token) ? /^ (\d{2}:[^\s,\]}#]+)/.exec(this.text.slice(this.position + token.length)) : null;
    if (time) token += time[0];
    if (token === '') this.fail('expected a value');
    this.position += token.length;
    if (token === 'true' || token === 'false') return token === 'true';
    const digits = token.replace(/_/g, '');
    if (INTEGER.test(token)) return Number(digits);
    if (RADIX_INTEGER.test(token)) return Number(digits);
    if (FLOAT.test(token)) return Number(digits);
    if (SPECIAL_FLOAT.test(token)) return token.endsWith('nan') ? NaN : token.startsWith('-') ? -Infinity : Infinity;
    if (DATE_TIME.test(token) || TIME.test(token)) return new TomlDateTime(token);
    return this.fail(`'${token}' is not a TOML value`);
  }
}

function isTable(value: TomlValue): value is TomlTable {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof TomlDateTime);
}
