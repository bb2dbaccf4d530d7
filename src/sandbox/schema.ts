/**
 * Schemas for what the sandbox sends: each one is at once the TypeScript type of a value and
 * its check. They are built from a few parts (a string of at most so many characters, a whole
 * number in a range, an object of these fields, a list of at most so many, a message of one of
 * these types), and protocol.ts defines every message the client checks with them.
 *
 * A check takes nothing on trust. Every string and list has a bound, an object is rebuilt from
 * its known fields alone (anything else it carried is dropped), and a refusal is a ProtocolError
 * whose reason is the client's own wording, made from the names given here: never a word of
 * what the sandbox sent. No `vscode` and no Node import.
 */

/** A message broke the protocol; `reason` is the client's own wording, never the sandbox's text. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

function fail(reason: string): never {
  throw new ProtocolError(reason);
}

/** The type and the check of one kind of value. */
export interface Schema<T> {
  /** Checks an untrusted value; returns it, or a copy made of its checked parts. Throws ProtocolError. */
  readonly parse: (value: unknown) => T;
  /**
   * The paths of the fields `value` carries that the schema does not define (`outcome.extra`),
   * for tests of what the sandbox sends: `parse` drops such fields silently. `value` must parse.
   */
  readonly unknownFields: (value: unknown, path: string) => string[];
}

/** The type a schema accepts. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** A value with nothing inside it that could be an unknown field. */
function leaf<T>(parse: (value: unknown) => T): Schema<T> {
  return { parse, unknownFields: () => [] };
}

/** A string of at most `maxChars` UTF-16 units; `what` names it in refusals. */
export function string(what: string, maxChars: number): Schema<string> {
  return leaf((value) => {
    if (typeof value !== 'string') fail(`${what} is not a string`);
    if (value.length > maxChars) fail(`${what} is longer than ${maxChars} characters`);
    return value;
  });
}

export function boolean(what: string): Schema<boolean> {
  return leaf((value) => {
    if (typeof value !== 'boolean') fail(`${what} is not a boolean`);
    return value;
  });
}

/** A whole number in [min, max]. */
export function integer(what: string, min: number, max: number): Schema<number> {
  return leaf((value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      fail(`${what} is not a whole number in [${min}, ${max}]`);
    return value;
  });
}

/** A finite number. */
export function number(what: string): Schema<number> {
  return leaf((value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} is not a number`);
    return value;
  });
}

/** One of a few strings. */
export function oneOf<const V extends readonly string[]>(what: string, values: V): Schema<V[number]> {
  return leaf((value) => {
    if (!values.includes(value as string)) fail(`${what} is unknown`);
    return value as V[number];
  });
}

/** A field an object may leave out (JSON has no `undefined`: absent is the only way). */
export interface Optional<T> extends Schema<T> {
  readonly optional: true;
}

export function optional<T>(schema: Schema<T>): Optional<T> {
  return { ...schema, optional: true };
}

/** The fields of an object: each name with its schema. */
export type Fields = Readonly<Record<string, Schema<unknown>>>;

type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends Optional<unknown> ? K : never }[keyof F];

/** What an object of these fields is: optional ones may be absent. */
export type ObjectOf<F extends Fields> = {
  readonly [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]>;
} & { readonly [K in OptionalKeys<F>]?: Infer<F[K]> } extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object of these fields, checked in their order and rebuilt from them alone: fields it
 * does not define are dropped, and optional ones that are absent stay absent.
 */
export function object<F extends Fields>(what: string, fields: F): Schema<ObjectOf<F>> {
  const keys = Object.keys(fields);
  const parsers = keys.map((key) => fields[key].parse);
  const optionals = keys.map((key) => 'optional' in fields[key]);
  return {
    parse(value) {
      if (!isObject(value)) fail(`${what} is not an object`);
      const checked: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const field = value[keys[i]];
        if (field !== undefined || !optionals[i]) checked[keys[i]] = parsers[i](field);
      }
      return checked as ObjectOf<F>;
    },
    unknownFields(value, path) {
      const fieldsOf = value as Record<string, unknown>;
      return Object.keys(fieldsOf).flatMap((key) => {
        const schema = Object.hasOwn(fields, key) ? fields[key] : undefined;
        return schema ? schema.unknownFields(fieldsOf[key], `${path}.${key}`) : [`${path}.${key}`];
      });
    },
  };
}

/** A list of `min` to `max` values, each checked by `item`; `what` names the list (plural). */
export function array<T>(what: string, item: Schema<T>, min: number, max: number): Schema<readonly T[]> {
  const bounds = min === 0 ? `at most ${max}` : `${min} to ${max}`;
  return {
    parse(value) {
      if (!Array.isArray(value) || value.length < min || value.length > max) fail(`${what} are not a list of ${bounds}`);
      return value.map(item.parse);
    },
    unknownFields: (value, path) => (value as unknown[]).flatMap((element, i) => item.unknownFields(element, `${path}[${i}]`)),
  };
}

/** A schema with one more rule on what it accepted, refused with `reason`. */
export function refine<T>(schema: Schema<T>, rule: (value: T) => boolean, reason: string): Schema<T> {
  return {
    parse(value) {
      const checked = schema.parse(value);
      if (!rule(checked)) fail(reason);
      return checked;
    },
    unknownFields: schema.unknownFields,
  };
}

/** For each message type, the fields a message of that type carries besides `type`. */
export type Variants = Readonly<Record<string, Fields>>;

/** A message of one of these types: `{ type, ...fields }`. */
export type MessageOf<V extends Variants> = {
  [T in keyof V]: { readonly type: T } & ObjectOf<V[T]> extends infer O ? { [K in keyof O]: O[K] } : never;
}[keyof V];

/** A message tagged by its `type`, one of `variants`, each checked as an object of its fields. */
export function messages<V extends Variants>(what: string, variants: V): Schema<MessageOf<V>> {
  // A Map, so that a type like `constructor` finds nothing on a prototype.
  const byType = new Map(Object.entries(variants).map(([type, fields]) => [type, object(what, { type: leaf(() => type), ...fields })]));
  const variantOf = (value: unknown): Schema<unknown> => {
    if (!isObject(value)) fail(`${what} is not an object`);
    const variant = typeof value.type === 'string' ? byType.get(value.type) : undefined;
    return variant ?? fail(`${what} has an unknown type`);
  };
  return {
    parse: (value) => variantOf(value).parse(value) as MessageOf<V>,
    unknownFields: (value, path) => variantOf(value).unknownFields(value, path),
  };
}
