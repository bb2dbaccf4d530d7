/** PEP 440 version specifiers (`>=1.2, !=1.3.*`), matched as `packaging.specifiers` does. */
import { compareVersions, isPrerelease, parseVersion, publicVersion, type Version } from './version';

export type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

/** One clause of a specifier set. */
export interface Specifier {
  readonly operator: Operator;
  /** As written, for messages and for `===`. */
  readonly version: string;
}

/** One clause; `===` takes any text without white space, `;` or `)`, even none. */
const CLAUSE = /^\s*(?:(===)\s*([^\s;)]*)|(~=|==|!=|<=|>=|<|>)\s*([^\s,;]+))\s*$/;

/**
 * Parses a comma-separated specifier set (`""` is the empty set, which every version
 * satisfies; empty clauses are skipped, as packaging skips them); returns why it is invalid
 * as a string.
 */
export function parseSpecifiers(text: string): Specifier[] | string {
  const specifiers: Specifier[] = [];
  for (const clause of text.split(',').filter((part) => part.trim() !== '')) {
    const specifier = parseSpecifier(clause);
    if (typeof specifier === 'string') return specifier;
    specifiers.push(specifier);
  }
  return specifiers;
}

/** Parses one clause (`>=1.0`); returns why it is invalid as a string. */
export function parseSpecifier(clause: string): Specifier | string {
  const match = CLAUSE.exec(clause);
  if (!match) return `'${clause.trim()}' is not a version specifier`;
  const [, arbitrary, anything, operator, version] = match;
  if (arbitrary) return { operator: '===', version: anything };
  const problem = clauseProblem(operator as Operator, version);
  return problem ? `'${clause.trim()}': ${problem}` : { operator: operator as Operator, version };
}

function clauseProblem(operator: Operator, version: string): string | undefined {
  const wildcard = version.endsWith('.*');
  if (wildcard && operator !== '==' && operator !== '!=') return 'only == and != take a .* suffix';
  const parsed = parseVersion(wildcard ? version.slice(0, -2) : version);
  if (!parsed) return `'${version}' is not a PEP 440 version`;
  if (wildcard && (parsed.pre || parsed.post !== undefined || parsed.dev !== undefined || parsed.local))
    return '.* must follow the release';
  if (parsed.local && operator !== '==' && operator !== '!=') return 'only == and != take a local version';
  if (operator === '~=' && parsed.release.length < 2) return '~= needs at least two release numbers';
  return undefined;
}

/** Whether `version` satisfies every clause. Pre-releases count, as micropip checks its lock. */
export function satisfies(version: string, specifiers: readonly Specifier[]): boolean {
  const candidate = parseVersion(version);
  return specifiers.every((specifier) => matches(version, candidate, specifier));
}

function matches(text: string, candidate: Version | undefined, { operator, version }: Specifier): boolean {
  // The text as given, white space and all: `===` compares strings, not versions.
  if (operator === '===') return text.toLowerCase() === version.toLowerCase();
  // A version that PEP 440 cannot read satisfies nothing but `===`.
  if (!candidate) return false;
  switch (operator) {
    case '==':
      return equals(candidate, version);
    case '!=':
      return !equals(candidate, version);
    case '~=': {
      const spec = parseVersion(version)!;
      const prefix = spec.release.slice(0, -1).join('.');
      return compareVersions(publicVersion(candidate), spec) >= 0 && equals(candidate, `${spec.epoch}!${prefix}.*`);
    }
    case '<=':
      return compareVersions(publicVersion(candidate), parseVersion(version)!) <= 0;
    case '>=':
      return compareVersions(publicVersion(candidate), parseVersion(version)!) >= 0;
    case '<':
      return lessThan(candidate, parseVersion(version)!);
    case '>':
      return greaterThan(candidate, parseVersion(version)!);
  }
}

/** `==`: a prefix match with `.*`; otherwise equality, ignoring the candidate's local label unless the spec has one. */
function equals(candidate: Version, spec: string): boolean {
  if (spec.endsWith('.*')) {
    const prefix = parseVersion(spec.slice(0, -2))!;
    return candidate.epoch === prefix.epoch && prefix.release.every((part, i) => (candidate.release[i] ?? 0) === part);
  }
  const version = parseVersion(spec)!;
  return compareVersions(version.local ? candidate : publicVersion(candidate), version) === 0;
}

/**
 * `<V` excludes the pre-releases of V unless V is one: those from V's earliest pre-release
 * (`V.dev0`) up, so `<1.0.post1` still takes `1.0rc1`.
 */
function lessThan(candidate: Version, spec: Version): boolean {
  if (compareVersions(candidate, spec) >= 0) return false;
  const earliestPrerelease: Version = { ...spec, dev: 0, local: undefined };
  return isPrerelease(spec) || !isPrerelease(candidate) || compareVersions(candidate, earliestPrerelease) < 0;
}

/** `>V` excludes V's own post-releases unless V is one, and V's local versions. */
function greaterThan(candidate: Version, spec: Version): boolean {
  if (compareVersions(candidate, spec) <= 0) return false;
  const postBase: Version = { ...candidate, post: undefined, dev: undefined, local: undefined };
  if (spec.post === undefined && candidate.post !== undefined && compareVersions(postBase, spec) === 0) return false;
  return !(candidate.local && compareVersions(publicVersion(candidate), spec) === 0);
}

/** The set as written, normalised: `>=1.0,<2`. */
export function formatSpecifiers(specifiers: readonly Specifier[]): string {
  return specifiers.map((s) => `${s.operator}${s.version}`).join(',');
}
