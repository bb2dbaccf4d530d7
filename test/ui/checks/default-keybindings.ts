import * as assert from 'node:assert/strict';
import type { UiCheck } from '../check';
import { contributedKeybindings, type KeyPlatform } from '../keys';

/** What the page reports, so that the workbench presents the keys of that platform. */
const USER_AGENTS: Record<KeyPlatform, string> = {
  linux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
};

/** An entry of VS Code's default keybindings file. */
interface DefaultKeybinding {
  readonly key: string;
  readonly command: string;
  readonly when?: string;
}

/**
 * Where another binding of one of our keys may stay: contexts in which our keys' `when`
 * (editor text focus in a Python editor) cannot hold, because the focus is in another widget.
 */
const OTHER_WIDGETS = [/\binChatInput\b/, /\binQuickInput\b/];

/** A chord with its modifiers in one order: `alt+shift+x` and `shift+alt+x` are one key. */
const normalized = (key: string): string =>
  key
    .split(' ')
    .map((chord) => chord.split('+').sort().join('+'))
    .join(' ');

/**
 * VS Code's own list of default keybindings (Preferences: Open Default Keyboard Shortcuts
 * (JSON)), as the workbench shows it for `platform`: every built-in binding and the installed
 * extension's. Each key this extension binds must be there for its command, resolved for that
 * platform, and bound to nothing else (a chord starting with it included), unless only inside
 * another widget.
 */
function defaultKeybindingsCheck(platform: KeyPlatform): UiCheck {
  return {
    name: `keys-collide-with-no-default-${platform}`,
    userAgent: USER_AGENTS[platform],
    async run(wb) {
      // The extension's status bar item shows once it is active, its contributions long registered.
      await wb.openFile('hello.py');
      await wb.statusBarText('Python Sandbox');
      await wb.runCommand('Preferences: Open Default Keyboard Shortcuts (JSON)');
      await wb.page.locator('.tab.active[data-resource-name="keybindings.json"]').waitFor({ timeout: 10_000 });
      const text = await wb.focusedEditorText();
      // Comments take whole lines there ("Here are other available commands").
      const defaults = JSON.parse(
        text
          .split('\n')
          .filter((line) => !line.trim().startsWith('//'))
          .join('\n'),
      ) as DefaultKeybinding[];
      assert.ok(defaults.length > 500, `the list holds VS Code's defaults (${defaults.length} entries)`);
      const platformKey = { linux: 'linux', windows: 'win', mac: 'mac' } as const;
      for (const binding of contributedKeybindings()) {
        const key = normalized(binding[platformKey[platform]] ?? binding.key);
        const ours = defaults.filter((d) => d.command === binding.command);
        assert.ok(
          ours.some((d) => normalized(d.key) === key),
          `${binding.command} is bound to ${key} on ${platform}; the list has ${JSON.stringify(ours)}`,
        );
        const others = defaults.filter(
          (d) =>
            !d.command.startsWith('pythonSandbox.') &&
            (normalized(d.key) === key || normalized(d.key).startsWith(`${key} `)) &&
            !OTHER_WIDGETS.some((widget) => widget.test(d.when ?? '')),
        );
        assert.deepEqual(others, [], `${key} (${binding.command}) is bound to nothing else on ${platform}`);
      }
    },
  };
}

export const keysCollideWithNoDefaultLinux = defaultKeybindingsCheck('linux');
export const keysCollideWithNoDefaultWindows = defaultKeybindingsCheck('windows');
export const keysCollideWithNoDefaultMac = defaultKeybindingsCheck('mac');
