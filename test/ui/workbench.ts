import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { keyFor, playwrightKey } from './keys';

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
  private async pickInQuickInput(text: string, rowLabel: string | RegExp, waitHidden = true): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout: SHORT });
    await this.page.keyboard.type(text);
    const row = this.quickInput.locator('.monaco-list-row', { hasText: rowLabel }).first();
    await row.waitFor({ timeout: SHORT });
    await row.click();
    if (waitHidden) await this.quickInput.waitFor({ state: 'hidden', timeout: SHORT });
  }

  /** Picks a row of the quick input that a command opened, by typing part of its label. */
  async pickFromQuickInput(label: string): Promise<void> {
    await this.pickInQuickInput(label, label);
  }

  /**
   * Runs a command by its palette label, e.g. "Sandbox: Show Output". `opensInput`: the command
   * asks a question in the same widget at once, so it never closes in between.
   */
  async runCommand(label: string, opensInput = false): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.pickInQuickInput(label, label, !opensInput);
  }

  /** Presses the key package.json binds to `command` (on Linux, the platform the browser reports). */
  async pressKeyOf(command: string): Promise<void> {
    await this.page.keyboard.press(playwrightKey(keyFor(command)));
  }

  /**
   * Runs a command from the palette by its id: `text` narrows the list, and the row of that
   * command is picked (labels repeat: "Copy" begins many).
   */
  async runCommandId(text: string, id: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.quickInput.waitFor({ state: 'visible', timeout: SHORT });
    await this.page.keyboard.type(text);
    await this.quickInput.locator(`[data-quick-input-id="${id}"]`).first().click({ timeout: SHORT });
    await this.quickInput.waitFor({ state: 'hidden', timeout: SHORT });
  }

  /**
   * The whole text of the focused editor, through the clipboard (the editor renders only the
   * lines in view). The palette's Select All and Copy work whatever platform the page reports.
   */
  async focusedEditorText(): Promise<string> {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await this.runCommandId('Select All', 'editor.action.selectAll');
    await this.runCommandId('Copy', 'editor.action.clipboardCopyAction');
    return this.page.evaluate(() =>
      (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
    );
  }

  /** Quick Open's key: Cmd+P when the page presents itself as a Mac (a check's user agent), else Ctrl+P. */
  private async quickOpen(): Promise<void> {
    const mac = await this.page.evaluate(() =>
      (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent.includes('Macintosh'),
    );
    await this.page.keyboard.press(mac ? 'Meta+P' : 'Control+P');
  }

  /** Opens a workspace file with Quick Open and waits for its editor tab to be active. */
  async openFile(name: string): Promise<void> {
    await this.quickOpen();
    await this.pickInQuickInput(name, name);
    await this.page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor({ timeout: SHORT });
    // Quick Open leaves the focus in the editor, with the cursor at the top of the file.
    await this.page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: SHORT });
  }

  /** Opens a notebook with Quick Open and waits for the notebook editor to show its cells. */
  async openNotebook(name: string): Promise<void> {
    await this.quickOpen();
    await this.pickInQuickInput(name, name);
    await this.page.locator(`.tab.active[data-resource-name="${name}"]`).waitFor({ timeout: SHORT });
    await this.page.locator('.notebook-editor .cell-list-container .code-cell-row').first().waitFor({ timeout: SHORT });
  }

  /** Picks the notebook's kernel by its label in "Notebook: Select Notebook Kernel". */
  async selectNotebookKernel(label: string): Promise<void> {
    await this.runCommand('Notebook: Select Notebook Kernel', true);
    await this.pickInQuickInput(label, label);
  }

  /**
   * Waits until one of the page's frames (webviews: notebook outputs, webview views) shows
   * everything `ready` looks for, and returns that frame. The workbench's own frame is skipped.
   */
  async waitForFrame(what: string, ready: (frame: Frame) => Promise<boolean>, timeout = 60_000): Promise<Frame> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame !== this.page.mainFrame() && (await ready(frame).catch(() => false))) return frame;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no webview frame showed ${what} within ${timeout / 1000} s`);
  }

  /** Text of a status bar item, found by the text it contains. */
  async statusBarText(containing: string): Promise<string> {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: containing }).first().innerText({ timeout: SHORT });
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

  /** Waits until the Output view's text matches `pattern` (output streams in) and returns it. */
  async waitForOutput(pattern: RegExp, timeout = 60_000): Promise<string> {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      // Monaco renders spaces as no-break spaces.
      text = (await this.outputText().catch(() => '')).replace(/\u00a0/g, ' ');
      if (pattern.test(text)) return text;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`Output view never matched ${pattern}; it shows:\n${text}`);
  }

  /** Selects whole lines first..last (1-based) of the focused editor with the keyboard. */
  async selectLines(first: number, last: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    await this.quickInput.waitFor({ state: 'visible', timeout: SHORT });
    await this.page.keyboard.type(String(first));
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: SHORT });
    await this.page.keyboard.press('Home');
    // Home may stop at the first non-blank character; a second press reaches column 1.
    if (await this.cursorColumnIsNotFirst()) await this.page.keyboard.press('Home');
    for (let line = first; line < last; line++) await this.page.keyboard.press('Shift+ArrowDown');
    await this.page.keyboard.press('Shift+End');
  }

  /** Selects `length` characters of line `line` (1-based) from column `from` (0-based). */
  async selectInLine(line: number, from: number, length: number): Promise<void> {
    await this.selectLines(line, line);
    await this.page.keyboard.press('Home');
    for (let i = 0; i < from; i++) await this.page.keyboard.press('ArrowRight');
    for (let i = 0; i < length; i++) await this.page.keyboard.press('Shift+ArrowRight');
  }

  private async cursorColumnIsNotFirst(): Promise<boolean> {
    const label = await this.page
      .locator('.statusbar-item[id="status.editor.selection"]')
      .innerText()
      .catch(() => '');
    return !/Col 1\b/.test(label);
  }

  /** Right-clicks the editor's selection and picks a context menu entry by its path of labels (submenus first). */
  async contextMenuOnSelection(...labels: string[]): Promise<void> {
    await this.openContextMenuOnSelection(...labels.slice(0, -1));
    const item = this.menuItem(labels[labels.length - 1]);
    await item.waitFor({ timeout: SHORT });
    // The workbench ignores a mouse-up that comes right after the menu opened (so releasing the
    // right button cannot pick an entry); hover first and give the menu a moment before clicking.
    await item.hover();
    await this.page.waitForTimeout(300);
    await item.click();
  }

  /** Right-clicks the editor's selection and opens the submenus named, leaving the menu open. */
  async openContextMenuOnSelection(...submenus: string[]): Promise<void> {
    // The selection highlight lies under the text layer, which takes the click, so aim at its middle.
    const selection = this.page.locator('.editor-instance .monaco-editor .selected-text').first();
    await selection.waitFor({ timeout: SHORT });
    // Monaco re-renders its selection layer after layout changes, detaching the node just found.
    let box = await selection.boundingBox();
    for (let tries = 0; !box && tries < 10; tries++) {
      await this.page.waitForTimeout(200);
      box = await selection.boundingBox();
    }
    if (!box) throw new Error('the editor shows no selection');
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { button: 'right' });
    for (const label of submenus) {
      const item = this.menuItem(label);
      await item.waitFor({ timeout: SHORT });
      await this.page.waitForTimeout(300);
      // A submenu opens when its entry is hovered.
      await item.hover();
      await this.page.locator('.monaco-menu-container .monaco-menu-container').first().waitFor({ timeout: SHORT });
    }
  }

  /** The entries of the innermost open menu: label and keybinding label, as shown. */
  async menuEntries(): Promise<Array<{ label: string; keybinding: string }>> {
    const menus = this.page.locator('.monaco-menu-container .monaco-menu');
    const innermost = menus.nth((await menus.count()) - 1);
    return innermost.locator('.action-item .action-menu-item').evaluateAll((items) =>
      items.map((item) => {
        const element = item as unknown as { querySelector(s: string): { textContent: string | null } | null };
        return {
          label: element.querySelector('.action-label')?.textContent?.trim() ?? '',
          keybinding: element.querySelector('.keybinding')?.textContent?.trim() ?? '',
        };
      }),
    );
  }

  /** An entry of an open context menu, by its label. The menu lives in a shadow root, which Playwright's CSS locators pierce. */
  private menuItem(label: string): Locator {
    return this.page.locator('.monaco-menu .action-item .action-label', { hasText: label }).first();
  }

  /** Shows the Explorer, expands the folders on the way to `path` (a '/'-separated path in the workspace) and returns its row. */
  private async explorerRow(path: string): Promise<Locator> {
    await this.runCommand('View: Show Explorer');
    const names = path.split('/');
    const row = (name: string): Locator =>
      this.page
        .locator('.explorer-folders-view .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) })
        .first();
    for (const folder of names.slice(0, -1)) {
      const folderRow = row(folder);
      await this.waitForExplorerRow(folderRow);
      if ((await folderRow.getAttribute('aria-expanded')) !== 'true') await folderRow.click();
    }
    const target = row(names[names.length - 1]);
    await this.waitForExplorerRow(target);
    return target;
  }

  /**
   * Waits for an Explorer row; once, refreshes the Explorer first. A file written a moment ago
   * reaches the Explorer through the server's file watcher, which a loaded machine can keep
   * waiting past the timeout.
   */
  private async waitForExplorerRow(row: Locator): Promise<void> {
    try {
      await row.waitFor({ timeout: SHORT });
    } catch {
      await this.runCommand('File: Refresh Explorer');
      await row.waitFor({ timeout: SHORT });
    }
  }

  /** Right-clicks `path` in the Explorer and picks a context menu entry by its label. */
  async contextMenuInExplorer(path: string, entry: string): Promise<void> {
    await (await this.explorerRow(path)).click({ button: 'right' });
    const item = this.page.locator('.monaco-menu .action-item .action-label', { hasText: entry }).first();
    await item.waitFor({ timeout: SHORT });
    // As in the editor's menu: a click right after it opened is ignored.
    await item.hover();
    await this.page.waitForTimeout(300);
    await item.click();
  }

  /** Opens a file from the Explorer (the Explorer shows a new file at once; Quick Open's search may not yet). */
  async openFromExplorer(path: string): Promise<void> {
    await (await this.explorerRow(path)).click();
    await this.page.locator(`.tab.active[data-resource-name="${path.slice(path.lastIndexOf('/') + 1)}"]`).waitFor({ timeout: SHORT });
  }

  /** Waits for a modal dialog whose message matches `message`, returns its message and detail, and clicks `button`. */
  async answerDialog(message: RegExp, button: string): Promise<{ message: string; detail: string }> {
    const dialog = this.page
      .locator('.monaco-dialog-box', { has: this.page.locator('.dialog-message-text', { hasText: message }) })
      .first();
    await dialog.waitFor({ timeout: 60_000 });
    const shown = {
      message: await dialog.locator('.dialog-message-text').innerText(),
      detail: await dialog.locator('.dialog-message-detail').innerText(),
    };
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: SHORT });
    return shown;
  }

  /** Opens the Problems panel and returns its rows' text. */
  async problems(): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await rows.first().waitFor({ timeout: SHORT });
    return rows.allInnerTexts();
  }

  /**
   * Text of the editor's end-of-line decorations (an extension's `after.contentText`), which
   * Monaco renders as CSS `::after` content rather than as text in the page.
   */
  inlineDecorations(): Promise<string[]> {
    return this.page.locator('.editor-instance .monaco-editor .view-lines span').evaluateAll((spans) =>
      spans.flatMap((span) => {
        // Runs in the page; the project compiles without the DOM library.
        const page = globalThis as unknown as { getComputedStyle(el: unknown, pseudo: string): { content: string } };
        const content = page.getComputedStyle(span, '::after').content;
        return content && content !== 'none' && content !== 'normal' ? [JSON.parse(content) as string] : [];
      }),
    );
  }

  /** Waits until the editor shows the inline value `text` (e.g. `⇒ 45`), which a run adds once it is over. */
  async waitForInlineValue(text: string, timeout = SHORT): Promise<void> {
    const deadline = Date.now() + timeout;
    let shown: string[] = [];
    while (Date.now() < deadline) {
      shown = await this.inlineDecorations();
      if (shown.includes(text)) return;
      await this.page.waitForTimeout(200);
    }
    throw new Error(`no inline value ${text}; the editor shows ${JSON.stringify(shown)}`);
  }

  /** Waits until the editor underlines an error, which a failed run reports once it is over. */
  async waitForErrorMarker(timeout = 60_000): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout });
  }

  /** The notification toast whose message matches `message`. */
  private notification(message: RegExp): Locator {
    const text = this.page.locator('.notification-list-item-message', { hasText: message });
    return this.page.locator('.notifications-toasts .notification-toast', { has: text }).first();
  }

  /** Waits for a notification toast matching `message`; returns its message and its buttons' labels. */
  async waitForNotification(message: RegExp, timeout = 60_000): Promise<{ message: string; buttons: string[] }> {
    const toast = this.notification(message);
    await toast.waitFor({ timeout });
    return {
      message: await toast.locator('.notification-list-item-message').innerText(),
      buttons: await toast.locator('.notification-list-item-buttons-container .monaco-button').allInnerTexts(),
    };
  }

  /** Clicks a button of the notification toast matching `message`, and waits until the toast is gone. */
  async clickNotificationButton(message: RegExp, label: string): Promise<void> {
    const toast = this.notification(message);
    await toast.locator('.notification-list-item-buttons-container .monaco-button', { hasText: label }).first().click();
    await toast.waitFor({ state: 'hidden', timeout: SHORT });
  }

  /** Whether a notification toast matching `message` shows now. */
  async showsNotification(message: RegExp): Promise<boolean> {
    return this.notification(message).isVisible();
  }

  /** Saves a full-page screenshot as <screenshotDir>/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
