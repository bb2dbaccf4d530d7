import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension } from './helpers';

interface MenuEntry {
  command?: string;
  submenu?: string;
  when?: string;
  group?: string;
}
interface Keybinding {
  command: string;
  key: string;
  when?: string;
}
interface Setting {
  type: string;
  scope?: string;
  default?: unknown;
}
interface Contributes {
  commands: Array<{ command: string; title: string; category?: string }>;
  menus: Record<string, MenuEntry[]>;
  submenus: Array<{ id: string; label: string }>;
  keybindings: Keybinding[];
  configuration: { properties: Record<string, Setting> };
  walkthroughs: Array<{ id: string; steps: Array<{ id: string; media: { image?: string } }> }>;
}

/** The commands that run editor text: they only make sense in a Python editor. */
const RUN_COMMANDS = [
  'pythonSandbox.execSelection',
  'pythonSandbox.evalExpression',
  'pythonSandbox.execFile',
  'pythonSandbox.execCell',
  'pythonSandbox.execCellAndBelow',
];
const PYTHON = 'editorLangId == python';

/** The clauses of a `when` expression joined by `&&` (none of ours use `||`). */
const clauses = (when: string | undefined): string[] =>
  (when ?? '')
    .split('&&')
    .map((c) => c.trim())
    .filter(Boolean);

describe('contributions', () => {
  const contributes = (): Contributes => extension().packageJSON.contributes as Contributes;
  const entry = (menu: string, command: string): MenuEntry | undefined => contributes().menus[menu]?.find((e) => e.command === command);

  it('registers every contributed command, under the category "Sandbox"', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command, category } of contributes().commands) {
      assert.ok(registered.has(command), `${command} is registered`);
      assert.equal(category, 'Sandbox', `${command} is in the Sandbox category`);
    }
    assert.ok(contributes().commands.length >= 9, 'all commands are contributed');
  });

  it('puts the run commands in one "Python Sandbox" submenu of the editor context menu, for Python only, Exec Selection only with a selection', () => {
    const [submenu, ...others] = contributes().menus['editor/context'];
    assert.deepEqual(others, [], 'one entry in the context menu itself');
    assert.equal(contributes().submenus.find((s) => s.id === submenu.submenu)?.label, 'Python Sandbox');
    assert.deepEqual(clauses(submenu.when).sort(), ['!notebookEditorFocused', PYTHON]);
    const entries = contributes().menus[submenu.submenu!];
    assert.deepEqual(
      entries.map((e) => e.command),
      ['pythonSandbox.execSelection', 'pythonSandbox.evalExpression', 'pythonSandbox.execFile', 'pythonSandbox.execCell'],
    );
    assert.deepEqual(clauses(entries[0].when).sort(), ['editorHasSelection', PYTHON]);
  });

  it('puts Exec File on the Run button of Python editors, with an icon', () => {
    const run = entry('editor/title/run', 'pythonSandbox.execFile');
    assert.ok(run && clauses(run.when).includes(PYTHON));
    assert.ok(contributes().commands.find((c) => c.command === 'pythonSandbox.execFile' && 'icon' in c));
  });

  it('gives every setting a scope, the package indexes and isolation machine-overridable, and whole numbers the integer type', () => {
    for (const [key, setting] of Object.entries(contributes().configuration.properties)) {
      const machine = ['pythonSandbox.isolation', 'pythonSandbox.packages.indexUrl', 'pythonSandbox.packages.pypiIndexUrl'].includes(key);
      assert.equal(setting.scope, machine ? 'machine-overridable' : 'window', `${key}'s scope`);
      if (typeof setting.default === 'number') assert.equal(setting.type, 'integer', `${key} is a whole number`);
    }
  });

  it('has a walkthrough of four steps, each with a picture that ships', async () => {
    const [walkthrough] = contributes().walkthroughs;
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['runSelection', 'problems', 'notebook', 'packages'],
    );
    for (const { media } of walkthrough.steps) {
      assert.ok(media.image);
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(extension().extensionUri, media.image));
    }
  });

  it('hides palette entries where they cannot apply', () => {
    for (const command of RUN_COMMANDS)
      assert.ok(clauses(entry('commandPalette', command)?.when).includes(PYTHON), `${command} needs a Python editor`);
    assert.equal(entry('commandPalette', 'pythonSandbox.interrupt')?.when, 'pythonSandbox.running');
    for (const hidden of ['pythonSandbox.statusBarClick', 'pythonSandbox.runtimeInfo', 'pythonSandbox.inlineValues'])
      assert.equal(entry('commandPalette', hidden)?.when, 'false', `${hidden} is not in the palette`);
  });

  it('binds keys for Exec Selection, Eval Expression and Interrupt in Python editors, not Shift+Enter', () => {
    const keybindings = contributes().keybindings;
    for (const command of ['pythonSandbox.execSelection', 'pythonSandbox.evalExpression', 'pythonSandbox.interrupt']) {
      const binding = keybindings.find((k) => k.command === command);
      assert.ok(binding, `${command} has a keybinding`);
      assert.ok(clauses(binding.when).includes(PYTHON), `${command}'s key is scoped to Python editors`);
    }
    // Shift+Enter belongs to the Python extension's "Run Selection in Terminal".
    assert.ok(!keybindings.some((k) => k.key === 'shift+enter'), 'Shift+Enter is left alone');
  });
});
