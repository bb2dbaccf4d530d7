import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extension } from './helpers';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}
interface Keybinding {
  command: string;
  key: string;
  when?: string;
}
interface Contributes {
  commands: Array<{ command: string; title: string; category?: string }>;
  menus: Record<string, MenuEntry[]>;
  keybindings: Keybinding[];
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

  it('shows the run commands in the editor context menu for Python only, Exec Selection only with a selection', () => {
    const execSelection = entry('editor/context', 'pythonSandbox.execSelection');
    assert.deepEqual(clauses(execSelection?.when).sort(), ['editorHasSelection', PYTHON]);
    for (const command of ['pythonSandbox.evalExpression', 'pythonSandbox.execFile', 'pythonSandbox.execCell']) {
      assert.ok(clauses(entry('editor/context', command)?.when).includes(PYTHON), `${command} is in the context menu for Python`);
    }
    const groups = new Set(contributes().menus['editor/context'].map((e) => e.group?.split('@')[0]));
    assert.deepEqual([...groups], ['pythonSandbox'], 'the context menu entries share a group of their own');
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
