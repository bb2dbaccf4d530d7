import * as assert from 'node:assert/strict';
import { PackageError } from '../../../src/packages/errors';
import { parseMarker, pyodideEnvironment } from '../../../src/packages/markers';
import { canonicalName } from '../../../src/packages/names';
import { parseRequirement } from '../../../src/packages/requirement';
import { parseSpecifiers, satisfies } from '../../../src/packages/specifier';
import { compareVersions, parseVersion } from '../../../src/packages/version';

const PYODIDE_INFO = { abi_version: '2026_0', arch: 'wasm32', platform: 'emscripten_5_0_3', python: '3.14.2' };

function ordered(versions: string[]): string[] {
  return [...versions].sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));
}

function accepts(specifier: string, version: string): boolean {
  const specifiers = parseSpecifiers(specifier);
  assert.notEqual(typeof specifiers, 'string', `${specifier} should parse`);
  return satisfies(version, specifiers as Exclude<typeof specifiers, string>);
}

describe('packages: PEP 440 versions', () => {
  it('orders versions as packaging does', () => {
    // packaging's documented order, shuffled.
    const expected = ['1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456',
      '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1'];
    const shuffled = [...expected].reverse().sort((a, b) => a.length - b.length);
    assert.deepEqual(ordered(shuffled), expected);
  }); // prettier-ignore

  it('reads every spelling PEP 440 normalises', () => {
    const same = (a: string, b: string): void => assert.equal(compareVersions(parseVersion(a)!, parseVersion(b)!), 0, `${a} == ${b}`);
    same('1.0', '1.0.0.0');
    same('v1.0', '1.0');
    same('1.0alpha1', '1.0a1');
    same('1.0-preview-2', '1.0rc2');
    same('1.0c1', '1.0rc1');
    same('1.0-1', '1.0.post1');
    same('1.0.rev2', '1.0.post2');
    same('1.0-dev', '1.0.dev0');
    same('0!1.0', '1.0');
    assert.ok(compareVersions(parseVersion('1!0.1')!, parseVersion('2024.1')!) > 0, 'the epoch comes first');
    for (const bad of ['', 'one', '1.0-', '1..0', '1.0+', 'latest']) assert.equal(parseVersion(bad), undefined, bad);
  });
});

describe('packages: version specifiers', () => {
  const cases: [string, string, boolean][] = [
    ['>=23', '23.1.0', true],
    ['>=23', '22.2.0', false],
    ['<=2.0', '2.0', true],
    ['<=2.0', '2.0.1', false],
    ['>1.7', '1.7.1', true],
    ['>1.7', '1.7.post1', false],
    ['>1.7.post2', '1.7.post3', true],
    ['>1.7', '1.7+local', false],
    ['<1.7', '1.7rc1', false],
    ['<1.7rc2', '1.7rc1', true],
    ['<1.7', '1.6.9', true],
    ['==1.2', '1.2.0', true],
    ['==1.2', '1.2+local', true],
    ['==1.2+other', '1.2+local', false],
    ['==1.2.*', '1.2.7', true],
    ['==1.2.*', '1.3', false],
    ['!=1.2.*', '1.3', true],
    ['!=2.0', '2.0.0', false],
    ['~=2.2', '2.9', true],
    ['~=2.2', '3.0', false],
    ['~=1.4.5', '1.4.9', true],
    ['~=1.4.5', '1.5.0', false],
    ['~=1.4.5', '1.4.4', false],
    ['===1.0', '1.0', true],
    ['===1.0', '1.0.0', false],
    ['>=1.0, <2, !=1.5', '1.6', true],
    ['>=1.0, <2, !=1.5', '1.5', false],
    // A pre-release satisfies a plain bound, as micropip checks the lock (prereleases=True).
    ['>=1.0', '2.0rc1', true],
  ];
  for (const [specifier, version, expected] of cases) {
    it(`${version} ${expected ? 'satisfies' : 'does not satisfy'} ${specifier}`, () => assert.equal(accepts(specifier, version), expected));
  }

  it('refuses malformed specifiers with a reason', () => {
    for (const bad of ['=>1.0', '>=1.*', '~=1', '>= one', '<1.0+local', '==1.0a1.*']) {
      const result = parseSpecifiers(bad);
      assert.equal(typeof result, 'string', bad);
    }
  });

  it('a version PEP 440 cannot read satisfies nothing but ===', () => {
    assert.equal(accepts('>=0', 'nightly'), false);
    assert.equal(accepts('===nightly', 'nightly'), true);
  });
});

describe('packages: environment markers', () => {
  const environment = pyodideEnvironment(PYODIDE_INFO);
  const evaluate = (text: string): boolean => {
    const marker = parseMarker(text);
    assert.equal(typeof marker, 'function', `${text}: ${String(marker)}`);
    return (marker as Exclude<typeof marker, string>)(environment);
  };

  it('describes Pyodide', () => {
    assert.equal(environment.python_version, '3.14');
    assert.equal(environment.platform_release, '5.0.3');
    assert.equal(environment.sys_platform, 'emscripten');
  });

  it('compares versions as versions and the rest as strings', () => {
    assert.equal(evaluate('python_version > "3.9"'), true, '3.14 > 3.9 only as versions');
    assert.equal(evaluate('python_version < "3.8"'), false);
    assert.equal(evaluate('python_full_version >= "3.14.2"'), true);
    assert.equal(evaluate('sys_platform == "emscripten"'), true);
    assert.equal(evaluate("sys_platform == 'win32'"), false);
    assert.equal(evaluate('"wasm" in platform_machine'), true);
    assert.equal(evaluate('platform_system not in "Windows Darwin"'), true);
  });

  it('combines with and, or and parentheses', () => {
    assert.equal(evaluate('sys_platform == "win32" or python_version >= "3"'), true);
    assert.equal(evaluate('sys_platform == "win32" or python_version >= "3" and os_name == "nt"'), false, 'and binds tighter');
    assert.equal(evaluate('(sys_platform == "win32" or python_version >= "3") and os_name == "posix"'), true);
    assert.equal(evaluate('extra == "test"'), false, 'no extra is active for a top-level requirement');
  });

  it('compares strings only for equality and containment, as packaging 26 does', () => {
    assert.equal(evaluate('sys_platform < "linux"'), false, 'strings have no order: < and > are false');
    assert.equal(evaluate('sys_platform > "a"'), false);
    assert.equal(evaluate('sys_platform >= "emscripten"'), true, '>= and <= mean ==');
    assert.equal(evaluate('sys_platform <= "linux"'), false);
    assert.equal(evaluate('platform_release >= "5"'), true, 'platform_release compares as a version');
    assert.equal(evaluate('python_version >= "3.14,<4"'), false, 'not one specifier: compared as strings');
  });

  it('evaluates every comparison, so that one that cannot be evaluated fails the requirement', () => {
    const requirement = parseRequirement('six; os_name == "posix" or os_name ~= "posix"');
    assert.throws(
      () => requirement.marker?.(environment),
      (error: unknown) =>
        error instanceof PackageError && error.code === 'invalid' && /six/.test(error.message) && /~=/.test(error.message),
    );
  });

  it('refuses a backslash in a marker string, which PEP 508 does not have', () => {
    // packaging reads '\x41' as 'A' (a Python literal); the corpus leaves these out (see test/fixtures/packaging).
    for (const bad of ['os_name == "\\x41"', "os_name == 'posix\\'", 'os_name == "a\\nb"'])
      assert.equal(typeof parseMarker(bad), 'string', bad);
  });

  it('refuses parentheses nested past 100 as a marker it cannot read, not with an overflowed stack', () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}os_name == "posix"${')'.repeat(depth)}`;
    assert.equal(evaluate(nested(100)), true);
    for (const depth of [101, 100_000]) {
      const marker = parseMarker(nested(depth));
      assert.equal(typeof marker, 'string');
      assert.match(marker as string, /^parentheses nest deeper than 100 in marker '\({20}/);
    }
    assert.throws(
      () => parseRequirement(`six; ${nested(100_000)}`),
      (error: unknown) => error instanceof PackageError && error.code === 'invalid',
    );
  });

  it('refuses what is not a marker', () => {
    for (const bad of [
      'python_version',
      'python_version >',
      'unknown_var == "1"',
      'python_version == "3" and',
      '(os_name == "posix"',
      'os_name = "posix"',
    ]) {
      assert.equal(typeof parseMarker(bad), 'string', bad);
    }
  });
});

describe('packages: PEP 508 requirements', () => {
  it('reads the name, extras, versions and marker', () => {
    const requirement = parseRequirement('Foo.Bar[Extra1, extra2] >=1.0,<2 ; python_version > "3"');
    assert.equal(requirement.name, 'foo-bar');
    assert.deepEqual(requirement.extras, ['Extra1', 'extra2']);
    assert.deepEqual(requirement.specifiers, [
      { operator: '>=', version: '1.0' },
      { operator: '<', version: '2' },
    ]);
    assert.equal(requirement.marker?.(pyodideEnvironment(PYODIDE_INFO)), true);
  });

  it('takes a parenthesised version and a bare name', () => {
    assert.deepEqual(parseRequirement('attrs (>=23)').specifiers, [{ operator: '>=', version: '23' }]);
    assert.deepEqual(parseRequirement('numpy').specifiers, []);
    assert.equal(parseRequirement('numpy').marker, undefined);
  });

  it('refuses malformed requirements and direct URLs with a PackageError', () => {
    for (const bad of ['', '>=1.0', 'numpy>=', 'numpy; python_version', 'pkg @ https://example.com/pkg.whl', 'a[b c]', '../evil']) {
      assert.throws(
        () => parseRequirement(bad),
        (error: unknown) => error instanceof PackageError && error.code === 'invalid',
        bad,
      );
    }
  });

  it('canonicalises names as PEP 503 does', () => {
    assert.equal(canonicalName('Ruamel.YAML__clib'), 'ruamel-yaml-clib');
  });

  it("a requirement's text echoed in an error carries no terminal escape, bidi override or carriage return from the code", () => {
    let caught: unknown;
    try {
      parseRequirement('numpy\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\r\u202e ===');
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof PackageError);
    assert.doesNotMatch(caught.message, /[\u0000-\u001f\u007f\u202e]/u);
    assert.match(caught.message, /numpy\]8;;https:\/\/evil\.example/);
  });
});
