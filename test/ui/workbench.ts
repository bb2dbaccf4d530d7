import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

const SHORT = 10_000;

/**
 * Drives the VS Code web workbench the way a person does: keyboard, command palette, panels.
 * Selectors are VS Code's own DOM classes; keep them here so checks read as user steps.
 */
export class Workbench {
  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {}

  /** Waits until the workbench has rendered its editor area and status bar. */
  async waitReady(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60_000 });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: SHORT });
  }

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Types into the quick input and accepts the row whose label matches exactly, then waits
   * until the widget is gone: it still reads as visible right after Enter, and a key pressed
   * then would land in the editor.
   */
  private async pickInQuickInput(text: string, rowLabel: string | RegExp): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout: SHORT });
    await this.page.keyboard.type(text);
    const row = this.quickInput.locator('.monaco-list-row', { hasText: rowLabel }).first();
    await row.waitFor({ timeout: SHORT });
    await row.click();
    await this.quickInput.waitFor({ state: 'hidden', timeout: SHORT });
  }

  /** Runs a command by its palette label, e.g. "Sandbox: Show Output". */
  async runCommand(label: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.pickInQuickInput(label, label);
  }

  /** Opens a workspace file with Quick Open and waits for its editor tab to be active. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    await this.pickInQuickInput(name, name);
    await this.page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor({ timeout: SHORT });
    // Quick Open leaves the focus in the editor, with the cursor at the top of the file.
    await this.page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: SHORT });
  }

  /** File name of the active editor tab (the label itself splits name and suffix). */
  async activeEditorTitle(): Promise<string | null> {
    return this.page.locator('.tab.active').first().getAttribute('data-resource-name');
  }

  /** Name of the output channel shown in the Output view, or undefined when it is not open. */
  async shownOutputChannel(): Promise<string | undefined> {
    const view = this.page.locator('.part.panel .pane-body.output-view, .part.panel [id="workbench.panel.output"]');
    if (!(await view.first().isVisible())) return undefined;
    const select = this.page.locator('.part.panel select.monaco-select-box').first();
    if (await select.count()) {
      return select.evaluate((el) => {
        const s = el as unknown as { selectedIndex: number; options: ArrayLike<{ text: string }> };
        return s.options[s.selectedIndex]?.text;
      });
    }
    return undefined;
  }

  /** Waits until the Output view shows the channel with exactly this name. */
  async waitForOutputChannel(name: string, timeout = SHORT): Promise<void> {
    const deadline = Date.now() + timeout;
    let last: string | undefined;
    while (Date.now() < deadline) {
      last = await this.shownOutputChannel();
      if (last === name) return;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`Output view shows ${last === undefined ? 'no channel' : `"${last}"`}, expected "${name}"`);
  }

  /** Text of the Output view's editor (only the rendered lines). */
  outputText(): Promise<string> {
    return this.page.locator('.part.panel .view-lines').first().innerText();
  }

  /** Saves a full-page screenshot as <screenshotDir>/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
