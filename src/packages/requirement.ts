/** PEP 508 requirement strings: `numpy`, `attrs>=23`, `foo[extra] (>1.0); python_version > "3"`. */
import { PackageError } from './errors';
import { MarkerError, parseMarker, type Marker } from './markers';
import { canonicalName } from './names';
import { parseSpecifiers, type Specifier } from './specifier';

/** A requirement: which package, which versions, and when it applies. */
export interface Requirement {
  /** As written, for messages and for handing to micropip. */
  readonly text: string;
  /** PEP 503 normal form. */
  readonly name: string;
  readonly extras: readonly string[];
  readonly specifiers: readonly Specifier[];
  /** Absent when the requirement always applies; one that cannot be evaluated throws a PackageError. */
  readonly marker?: Marker;
}

const NAME_AND_EXTRAS = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*/;
const EXTRA = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Parses a requirement; a malformed one, or one with a direct URL, is a PackageError. */
export function parseRequirement(text: string): Requirement {
  const invalid = (why: string): never => {
    throw new PackageError('invalid', `'${text.trim()}' is not a requirement this can load: ${why}`);
  };
  const head = NAME_AND_EXTRAS.exec(text);
  if (!head) return invalid('it does not start with a package name');
  const [matched, name, extrasText] = head;
  const extras = extrasText === undefined ? [] : extrasText.split(',').map((extra) => extra.trim());
  if (extrasText !== undefined && extrasText.trim() !== '' && !extras.every((extra) => EXTRA.test(extra))) invalid('bad extras');
  const rest = text.slice(matched.length);
  if (rest.startsWith('@')) invalid('direct URL requirements are not supported; name a package and a version');
  const semicolon = rest.indexOf(';');
  const versionText = (semicolon < 0 ? rest : rest.slice(0, semicolon)).trim();
  const parenthesized = /^\((.*)\)$/.exec(versionText);
  const specifiers = parseSpecifiers(parenthesized ? parenthesized[1] : versionText);
  if (typeof specifiers === 'string') return invalid(specifiers);
  const requirement = { text: text.trim(), name: canonicalName(name), extras: extras.filter(Boolean), specifiers };
  if (semicolon < 0) return requirement;
  const marker = parseMarker(rest.slice(semicolon + 1));
  if (typeof marker === 'string') return invalid(marker);
  return {
    ...requirement,
    marker: (environment) => {
      try {
        return marker(environment);
      } catch (error) {
        if (error instanceof MarkerError) invalid(error.message);
        throw error;
      }
    },
  };
}
