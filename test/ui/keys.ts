import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../launch/paths';

/** A keybinding as package.json contributes it. */
export interface ContributedKeybinding {
  readonly command: string;
  readonly key: string;
  readonly mac?: string;
  readonly linux?: string;
  readonly win?: string;
  readonly when?: string;
}

/** The platforms a workbench can present itself as (by its browser's user agent). */
export type KeyPlatform = 'linux' | 'windows' | 'mac';

/** The keybindings package.json contributes: the one place the keys are set. */
export function contributedKeybindings(): ContributedKeybinding[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { keybindings: ContributedKeybinding[] };
  };
  return manifest.contributes.keybindings;
}

/** The key of `command` on `platform`, as package.json has it (`shift+alt+x`). */
export function keyFor(command: string, platform: KeyPlatform = 'linux'): string {
  const binding = contributedKeybindings().find((k) => k.command === command);
  if (!binding) throw new Error(`package.json binds no key to ${command}`);
  return { linux: binding.linux, windows: binding.win, mac: binding.mac }[platform] ?? binding.key;
}

const PLAYWRIGHT_NAMES: Record<string, string> = { ctrl: 'Control', alt: 'Alt', shift: 'Shift', cmd: 'Meta', meta: 'Meta', enter: 'Enter' };

/** A one-chord VS Code key (`shift+alt+x`) as Playwright presses it (`Shift+Alt+X`). */
export function playwrightKey(key: string): string {
  if (key.includes(' ')) throw new Error(`${key} is a chord sequence; press its chords one by one`);
  return key
    .split('+')
    .map((part) => PLAYWRIGHT_NAMES[part] ?? (part.length === 1 ? part.toUpperCase() : part))
    .join('+');
}

/** A key as VS Code shows it on Linux and Windows, and as the README writes it (`shift+alt+x` -> `Shift+Alt+X`). */
export function displayKey(key: string): string {
  return key
    .split(' ')
    .map((chord) =>
      chord
        .split('+')
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join('+'),
    )
    .join(' ');
}
