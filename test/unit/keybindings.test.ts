import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../launch/paths';
import { displayKey, type ContributedKeybinding } from '../ui/keys';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string }>;
    keybindings: ContributedKeybinding[];
    walkthroughs: Array<{ steps: Array<{ description: string }> }>;
  };
}

const manifest = (): Manifest => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/** Keys that type nothing, whatever the layout; every other key (letters, digits, punctuation, space, the keypad) types something. */
const NON_PRINTING = new Set([
  'enter',
  'escape',
  'tab',
  'backspace',
  'delete',
  'insert',
  'home',
  'end',
  'pageup',
  'pagedown',
  'up',
  'down',
  'left',
  'right',
  'pausebreak',
  'capslock',
  'numlock',
  'scrolllock',
  'contextmenu',
  ...Array.from({ length: 24 }, (_, i) => `f${i + 1}`),
]);

/** The chords of `key` whose modifiers, with a key that types something, type a character instead of running a command. */
function typingChords(key: string, types: (modifiers: string[]) => boolean): string[] {
  return key.split(' ').filter((chord) => {
    const parts = chord.toLowerCase().split('+');
    return !NON_PRINTING.has(parts[parts.length - 1]) && types(parts.slice(0, -1));
  });
}

/**
 * Chords Windows and Linux read as AltGr: Ctrl+Alt with a key that types something. On Windows
 * AltGr is Ctrl+Alt, and most European layouts type characters with it (`€`, `@`, `ź`).
 */
const altGrChords = (key: string): string[] => typingChords(key, (mods) => mods.includes('ctrl') && mods.includes('alt'));

/** Chords macOS types with: Option (and Shift) without Cmd or Ctrl (`å`, `∫`, `€`). */
const optionChords = (key: string): string[] =>
  typingChords(key, (mods) => mods.includes('alt') && !mods.includes('cmd') && !mods.includes('ctrl'));

describe('keybindings', () => {
  it('binds no Ctrl+Alt+<key that types> on Windows or Linux (AltGr), nor Option+<key that types> on macOS', () => {
    const offending = manifest().contributes.keybindings.flatMap(({ command, key, win, linux, mac }) =>
      (
        [
          ['Windows', win ?? key, altGrChords],
          ['Linux', linux ?? key, altGrChords],
          ['macOS', mac ?? key, optionChords],
        ] as const
      ).flatMap(([platform, bound, typing]) => typing(bound).map((chord) => `${command}: ${chord} on ${platform}`)),
    );
    assert.deepEqual(offending, []);
  });

  it('recognises chords that type, and lets modifiers with keys that type nothing pass', () => {
    assert.deepEqual(altGrChords('ctrl+alt+e'), ['ctrl+alt+e']);
    assert.deepEqual(altGrChords('ctrl+k ctrl+alt+q'), ['ctrl+alt+q']);
    assert.deepEqual(altGrChords('alt+ctrl+shift+['), ['alt+ctrl+shift+[']);
    assert.deepEqual(altGrChords('ctrl+alt+space'), ['ctrl+alt+space']);
    assert.deepEqual(altGrChords('ctrl+alt+enter'), []);
    assert.deepEqual(altGrChords('ctrl+alt+f5'), []);
    assert.deepEqual(altGrChords('shift+alt+x'), []);
    assert.deepEqual(optionChords('shift+alt+x'), ['shift+alt+x']);
    assert.deepEqual(optionChords('cmd+alt+x'), []);
    assert.deepEqual(optionChords('shift+alt+enter'), []);
  });

  it("keeps in the editor's Python text only, never a notebook cell's", () => {
    for (const { command, when } of manifest().contributes.keybindings) {
      const clauses = (when ?? '').split('&&').map((clause) => clause.trim());
      assert.ok(clauses.includes('editorLangId == python'), `${command}: Python editors only`);
      assert.ok(clauses.includes('!notebookEditorFocused'), `${command}: not in a notebook, whose cells run on its kernel`);
    }
  });

  it("are the README's keys: package.json is where they are set, and the table says the same", () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const { commands, keybindings } = manifest().contributes;
    for (const { command, title } of commands) {
      const row = readme.split('\n').find((line) => line.startsWith(`| Sandbox: ${title} |`));
      if (!row) continue; // not every command is in the table (the hidden ones)
      const binding = keybindings.find((k) => k.command === command);
      const expected = binding ? [binding.key, binding.mac].filter((k) => k !== undefined).map((k) => `\`${displayKey(k)}\``) : [];
      assert.equal(row.split('|')[2].trim(), expected.join(' / '), `the README's keys for ${title}`);
    }
    assert.ok(keybindings.length > 0);
  });

  it('are the keys the walkthrough names', () => {
    const { keybindings, walkthroughs } = manifest().contributes;
    const bound = new Set(keybindings.flatMap((k) => [k.key, k.mac].filter((key) => key !== undefined).map(displayKey)));
    const named = walkthroughs.flatMap((w) =>
      w.steps.flatMap((step) => [...step.description.matchAll(/\*\*((?:Ctrl|Shift|Alt|Cmd)\+[^*]+)\*\*/g)].map((m) => m[1])),
    );
    assert.ok(named.length > 0, 'the walkthrough names keys');
    for (const key of named) assert.ok(bound.has(key), `the walkthrough's ${key} is a contributed key`);
  });
});
