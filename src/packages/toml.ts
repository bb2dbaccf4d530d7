/**
 * A TOML 1.1 reader for inline script metadata (PEP 723), which asks tools to refuse metadata
 * that is not valid TOML. It reads all of TOML's syntax (tables, dotted keys, every string and
 * number form, arrays, inline tables, dates) so that a block with a `[tool.*]` table parses, and
 * refuses what TOML forbids: control characters, impossible dates, integers out of range, tables
 * defined twice or extended where TOML says they are closed. The toml-test suite
 * (test/fixtures/toml-test) checks both halves: every valid file reads to its expected value,
 * every invalid one is refused.
 */

export type TomlValue = string | number | bigint | boolean | TomlDateTime | TomlValue[] | TomlTable;

/** A table. Keys are own properties (`__proto__` and `constructor` are keys like any other). */
export interface TomlTable {
  [key: string]: TomlValue;
}

/** What a date or time holds: TOML's four kinds. */
export type TomlDateTimeKind = 'offset-date-time' | 'local-date-time' | 'local-date' | 'local-time';

/** A date, time or date-time, checked and kept as written (nothing here needs its value). */
export class TomlDateTime {
  constructor(
    readonly text: string,
    readonly kind: TomlDateTimeKind,
  ) {}
}

/** A syntax error, with the 1-based line of the TOML where it was found. */
export class TomlError extends Error {}

/** Parses a TOML document; what TOML forbids throws a TomlError. */
export function parseToml(text: string): TomlTable {
  return new TomlReader(text).document();
}

/**
 * Characters TOML allows nowhere, not even in strings and comments: control characters but tab
 * and newline, a carriage return that does not end a line, and (in a JavaScript string) a lone
 * surrogate, which is no Unicode scalar value.
 */
const FORBIDDEN = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)|[\ud800-\udfff]/u;

const BARE_KEY = /[A-Za-z0-9_-]+/y;
/** What a number, boolean, date or time is made of; the value is checked once it is read. */
const SCALAR = /[0-9A-Za-z_+.:-]+/y;
const INTEGER = /^[+-]?(?:0|[1-9](?:_?\d)*)$/;
const RADIX_INTEGER = /^0(?:x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|o[0-7](?:_?[0-7])*|b[01](?:_?[01])*)$/;
const FLOAT = /^[+-]?(?:0|[1-9](?:_?\d)*)(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL_FLOAT = /^[+-]?(?:inf|nan)$/;
/** Seconds are optional since TOML 1.1; a fraction needs them. */
const TIME = '(\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d+)?)?';
const DATE_TIME = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt ]${TIME}([Zz]|[+-](\\d{2}):(\\d{2}))?)?$`);
const LOCAL_TIME = new RegExp(`^${TIME}$`);
/** After a backslash that ends a line in a multi-line basic string: what the backslash drops. */
const LINE_ENDING_BACKSLASH = /[ \t]*\r?\n[ \t\r\n]*/y;
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };
/** Integers are 64-bit signed; beyond what a JavaScript number holds exactly, they are BigInts. */
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
/** Arrays and inline tables nest at most this deep: deeper is refused, not a stack overflow. */
const MAX_DEPTH = 100;

/** The property of `table` named `key`, its own only. */
function own(table: TomlTable, key: string): TomlValue | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Defines rather than assigns, so that a key named `__proto__` is a key and not the prototype. */
function set<T extends TomlValue>(table: TomlTable, key: string, value: T): T {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}

function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof TomlDateTime);
}

class TomlReader {
  private position = 0;
  private depth = 0;
  /** Tables a header defined, and tables dotted keys made: a header may not define them again. */
  private readonly defined = new WeakSet<object>();
  /** Tables made by dotted keys, with the table whose keys made them: only those keys may extend them. */
  private readonly dottedIn = new WeakMap<object, TomlTable>();
  /** Inline tables and arrays written as values: nothing may extend them. */
  private readonly frozen = new WeakSet<object>();
  /** Arrays made by `[[header]]`, the only arrays a header may extend. */
  private readonly tableArrays = new WeakSet<object>();

  constructor(private readonly text: string) {}

  document(): TomlTable {
    const forbidden = FORBIDDEN.exec(this.text);
    if (forbidden) {
      this.position = forbidden.index;
      const code = forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
      this.fail(`U+${code} is not allowed in TOML, not even in a string or a comment`);
    }
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

  /** Spaces, comments and newlines, as arrays and inline tables allow between their items. */
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

  /** `[a.b]` or `[[a.b]]`: the table that the keys below it go into. */
  private header(root: TomlTable): TomlTable {
    const array = this.text.startsWith('[[', this.position);
    this.position += array ? 2 : 1;
    const keys = this.key();
    this.expect(array ? ']]' : ']');
    const name = keys.join('.');
    let parent = root;
    for (const key of keys.slice(0, -1)) {
      const next = own(parent, key) ?? set(parent, key, {});
      if (Array.isArray(next) && this.tableArrays.has(next)) parent = next[next.length - 1] as TomlTable;
      else if (isTable(next) && !this.frozen.has(next)) parent = next;
      else this.fail(`'${name}' extends '${key}', which is not a table that can be extended`);
    }
    const last = keys[keys.length - 1];
    const existing = own(parent, last);
    if (array) {
      if (existing !== undefined && !(Array.isArray(existing) && this.tableArrays.has(existing))) this.fail(`'${name}' is already defined`);
      const tables = existing ?? set(parent, last, [] as TomlValue[]);
      this.tableArrays.add(tables);
      const table: TomlTable = {};
      (tables as TomlTable[]).push(table);
      this.defined.add(table);
      return table;
    }
    if (existing !== undefined && (!isTable(existing) || this.frozen.has(existing) || this.defined.has(existing))) {
      this.fail(`'${name}' is already defined`);
    }
    const table = existing ?? set(parent, last, {});
    this.defined.add(table);
    return table;
  }

  /** `a.b.c = value` in `section`: the tables on the way are made, or were made by this section's keys. */
  private keyValue(section: TomlTable): void {
    const keys = this.key();
    this.expect('=');
    this.skipSpaces();
    const value = this.value();
    const name = keys.join('.');
    let parent = section;
    for (const key of keys.slice(0, -1)) {
      let next = own(parent, key);
      if (next === undefined) next = set(parent, key, {});
      else if (!isTable(next) || this.frozen.has(next) || (this.defined.has(next) && this.dottedIn.get(next) !== section)) {
        this.fail(`'${name}' extends '${key}', which is defined elsewhere`);
      }
      this.defined.add(next);
      this.dottedIn.set(next, section);
      parent = next;
    }
    const last = keys[keys.length - 1];
    if (Object.hasOwn(parent, last)) this.fail(`'${name}' is already defined`);
    set(parent, last, value);
  }

  /** A key, dotted or not, with the spaces around it. */
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
        return this.nested(() => this.array());
      case '{':
        return this.nested(() => this.inlineTable());
      default:
        return this.scalar();
    }
  }

  /** An array or inline table: nothing may extend it once written. */
  private nested<T extends TomlValue[] | TomlTable>(read: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`arrays and inline tables nest deeper than ${MAX_DEPTH}`);
    const value = read();
    this.depth--;
    this.frozen.add(value);
    return value;
  }

  private basicString(): string {
    this.position++;
    let value = '';
    for (;;) {
      const char = this.text[this.position++];
      if (char === undefined || char === '\n' || char === '\r') this.fail('unterminated string');
      if (char === '"') return value;
      value += char === '\\' ? this.escape() : char;
    }
  }

  /** After a backslash: `\n` and the like, `\xHH` and `\e` (TOML 1.1), `\uHHHH`, `\UHHHHHHHH`. */
  private escape(): string {
    const char = this.text[this.position++] ?? '';
    if (Object.hasOwn(ESCAPES, char)) return ESCAPES[char];
    const digits = HEX_DIGITS[char];
    const hex = this.text.slice(this.position, this.position + (digits ?? 0));
    if (!digits || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== digits) this.fail(`bad escape '\\${char}'`);
    this.position += digits;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail(`bad escape '\\${char}${hex}': not a Unicode scalar value`);
    return String.fromCodePoint(code);
  }

  private literalString(): string {
    const end = this.text.indexOf("'", this.position + 1);
    const value = this.text.slice(this.position + 1, end);
    if (end < 0 || /[\r\n]/.test(value)) this.fail('unterminated string');
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
        // A backslash that ends a line drops the line break and the white space after it.
        LINE_ENDING_BACKSLASH.lastIndex = this.position;
        if (LINE_ENDING_BACKSLASH.test(this.text)) this.position = LINE_ENDING_BACKSLASH.lastIndex;
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

  /** `{ a = 1, b.c = 2 }`; since TOML 1.1 also across lines, with comments and a trailing comma. */
  private inlineTable(): TomlTable {
    this.position++;
    const table: TomlTable = {};
    this.skipBlank();
    while (this.text[this.position] !== '}') {
      this.keyValue(table);
      this.skipBlank();
      if (this.text[this.position] === '}') break;
      this.expect(',');
      this.skipBlank();
    }
    this.position++;
    return table;
  }

  private scalar(): TomlValue {
    SCALAR.lastIndex = this.position;
    let token = SCALAR.exec(this.text)?.[0] ?? '';
    // A date and a time may be separated by a space: `1979-05-27 07:32:00Z`.
    const time = /^\d{4}-\d{2}-\d{2}$/.test(token) ? /^ \d{2}:[0-9A-Za-z_+.:-]+/.exec(this.text.slice(this.position + token.length)) : null;
    if (time) token += time[0];
    if (token === '') this.fail('expected a value');
    this.position += token.length;
    if (token === 'true' || token === 'false') return token === 'true';
    if (INTEGER.test(token) || RADIX_INTEGER.test(token)) return this.integer(token);
    if (FLOAT.test(token)) return Number(token.replace(/_/g, ''));
    if (SPECIAL_FLOAT.test(token)) return token.endsWith('nan') ? NaN : token.startsWith('-') ? -Infinity : Infinity;
    const dateTime = this.dateTime(token);
    if (dateTime) return dateTime;
    return this.fail(`'${token}' is not a TOML value`);
  }

  private integer(token: string): number | bigint {
    const value = BigInt(token.replace(/_/g, ''));
    if (value < INT64[0] || value > INT64[1]) this.fail(`${token} does not fit in 64 bits`);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  /** A date, time or date-time whose every field is in range (no 30 February, no 24:00). */
  private dateTime(token: string): TomlDateTime | undefined {
    const date = DATE_TIME.exec(token);
    const time = date ? date.slice(4, 7) : LOCAL_TIME.exec(token)?.slice(1);
    if (!time) return undefined;
    const [year, month, day] = (date?.slice(1, 4) ?? []).map(Number);
    const [hour, minute, second] = time.map((part) => (part === undefined ? 0 : Number(part)));
    const [offsetHour = 0, offsetMinute = 0] = (date?.slice(8, 10) ?? []).map((part) => (part === undefined ? 0 : Number(part)));
    const inRange = (value: number, low: number, high: number): boolean => low <= value && value <= high;
    const exists =
      (!date || (inRange(month, 1, 12) && inRange(day, 1, daysIn(year, month)))) &&
      inRange(hour, 0, 23) &&
      inRange(minute, 0, 59) &&
      // 60 for a leap second, as RFC 3339 and TOML allow.
      inRange(second, 0, 60) &&
      inRange(offsetHour, 0, 23) &&
      inRange(offsetMinute, 0, 59);
    if (!exists) this.fail(`'${token}' is not a date or time that exists`);
    if (!date) return new TomlDateTime(token, 'local-time');
    if (date[4] === undefined) return new TomlDateTime(token, 'local-date');
    return new TomlDateTime(token, date[7] === undefined ? 'local-date-time' : 'offset-date-time');
  }
}

/** Days in a month of the proleptic Gregorian calendar, as RFC 3339 counts them. */
function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}
