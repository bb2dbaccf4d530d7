/** PEP 440 versions: parsing and ordering, as `packaging.version.Version` does them. */

type PreKind = 'a' | 'b' | 'rc';

/** A version split into the parts that order it. */
export interface Version {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre?: readonly [PreKind, number];
  readonly post?: number;
  readonly dev?: number;
  /** The local label (`+ubuntu.1`), numbers as numbers. */
  readonly local?: readonly (string | number)[];
}

const VERSION =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

const PRE_KINDS: Record<string, PreKind> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

/** Parses a version in any of PEP 440's spellings; undefined when it is not one. */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  const [, epoch, release, preKind, preNumber, implicitPost, postKind, postNumber, dev, devNumber, local] = match;
  const hasPost = implicitPost !== undefined || postKind !== undefined;
  return {
    epoch: Number(epoch ?? 0),
    release: release.split('.').map(Number),
    ...(preKind ? { pre: [PRE_KINDS[preKind.toLowerCase()], Number(preNumber ?? 0)] as const } : {}),
    ...(hasPost ? { post: Number(implicitPost ?? postNumber ?? 0) } : {}),
    ...(dev ? { dev: Number(devNumber ?? 0) } : {}),
    ...(local ? { local: local.split(/[-_.]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part.toLowerCase())) } : {}),
  };
}

/** The version without its local label (what most comparisons look at). */
export function publicVersion(version: Version): Version {
  return { ...version, local: undefined };
}

/** A pre-release or development release. */
export function isPrerelease(version: Version): boolean {
  return version.pre !== undefined || version.dev !== undefined;
}

/** Orders versions: negative, zero or positive, like a comparator for `sort`. */
export function compareVersions(a: Version, b: Version): number {
  return (
    a.epoch - b.epoch ||
    compareRelease(a.release, b.release) ||
    compareKeys(preKey(a), preKey(b)) ||
    compareKeys(postKey(a), postKey(b)) ||
    compareKeys(devKey(a), devKey(b)) ||
    compareLocal(a.local, b.local)
  );
}

/** Releases compare as if padded with zeros: 1.0 == 1.0.0. */
function compareRelease(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

type Key = readonly number[];

const PRE_ORDER: Record<PreKind, number> = { a: 0, b: 1, rc: 2 };

/** 1.0.dev1 < 1.0a1 < 1.0 : a dev release with no pre sorts before every pre-release. */
function preKey(version: Version): Key {
  if (version.pre) return [PRE_ORDER[version.pre[0]], version.pre[1]];
  if (version.post === undefined && version.dev !== undefined) return [-Infinity];
  return [Infinity];
}

function postKey(version: Version): Key {
  return version.post === undefined ? [-Infinity] : [version.post];
}

function devKey(version: Version): Key {
  return version.dev === undefined ? [Infinity] : [version.dev];
}

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] ?? -Infinity) < (b[i] ?? -Infinity) ? -1 : 1;
  }
  return 0;
}

/** No label sorts first; then segment by segment, numbers above words, longer above its prefix. */
function compareLocal(a: Version['local'], b: Version['local']): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (typeof x !== typeof y) return typeof x === 'number' ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return 0;
}
