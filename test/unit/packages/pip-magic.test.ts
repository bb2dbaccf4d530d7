import * as assert from 'node:assert/strict';
import { findImports } from '../../../src/packages/imports';
import { pipInstallRequirements } from '../../../src/packages/pip-magic';

describe('packages: %pip install lines of a cell', () => {
  it('reads the requirements of each %pip install line, as a shell splits them, options skipped', () => {
    const cell = [
      '%pip install numpy',
      '%pip install -q --upgrade \'attrs>=23\' "pandas<3" six==1.17  # and a comment',
      '%pip -q install --no-deps tqdm',
      'if True:',
      '    %pip install indented',
      '%pip install first \\',
      '    continued',
      '%pip install --index-url https://elsewhere.example/simple -r reqs.txt kept',
    ].join('\n');
    assert.deepEqual(pipInstallRequirements(cell), [
      'numpy',
      'attrs>=23',
      'pandas<3',
      'six==1.17',
      'tqdm',
      'indented',
      'first',
      'continued',
      'kept',
    ]);
  });

  it('leaves alone what IPython would not read as the magic: strings, brackets, other commands, shell escapes, variables', () => {
    const cell = [
      'text = """',
      '%pip install in-a-string',
      '"""',
      'f(1,',
      '%pip install in-brackets)',
      '%pip list',
      '%pip uninstall gone',
      '!pip install shell-escape',
      '%pipx install other-magic',
      '%pip install {name} $other',
      'x = "%pip install not-at-a-line-start"',
      '# %pip install commented-out',
    ].join('\n');
    assert.deepEqual(pipInstallRequirements(cell), []);
  });

  it('a magic line does not hide the imports around it', () => {
    assert.deepEqual(findImports("%pip install sandbox-demo\nimport numpy\n!echo it's\nimport pandas"), ['numpy', 'pandas']);
  });
});
