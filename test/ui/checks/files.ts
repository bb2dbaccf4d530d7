import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WEB_WORKER_HOST_SETTINGS } from '../../launch/server';
import type { UiCheck } from '../check';
import type { Workbench } from '../workbench';

/** What sales/report.py prints from data/sales.csv, and the summary it writes under output/. */
const TOTALS = /east\s+1170\.25\nnorth\s+3295\.50\nsouth\s+2376\.00\nwest\s+1790\.85\n/;
const SUMMARY = 'region,total\r\neast,1170.25\r\nnorth,3295.50\r\nsouth,2376.00\r\nwest,1790.85\r\n';

/** Waits until `file` holds `expected` (VS Code writes it a moment after the dialog closes); returns what it holds. */
async function waitForContent(wb: Workbench, file: string, expected: string): Promise<string | undefined> {
  let content: string | undefined;
  for (let i = 0; i < 100 && content !== expected; i++) {
    await wb.page.waitForTimeout(100);
    content = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  }
  return content;
}

/** The three clicks: right-click sales/data in the Explorer, Allow Reading Folder…, Allow; returns what the dialog said. */
async function allowReadingData(wb: Workbench): Promise<{ message: string; detail: string }> {
  await wb.contextMenuInExplorer('sales/data', 'Allow Reading Folder…');
  return wb.answerDialog(/^Let Python in the sandbox read sales\/data\/\?/, 'Allow');
}

/** Runs report.py with Exec File and waits for the output view to list what it wrote; returns the view's frame. */
async function runReport(wb: Workbench): ReturnType<Workbench['waitForFrame']> {
  await wb.openFile('report.py');
  await wb.runCommand('Sandbox: Exec File');
  return wb.waitForFrame('the output view listing output/summary.csv', async (frame) => {
    return (await frame.locator('#runs .files .file', { hasText: 'sales/output/summary.csv' }).count()) > 0;
  });
}

/**
 * A user reads workspace data in three clicks (right-click sales/data in the Explorer, Allow
 * Reading Folder…, Allow in the dialog that lists what it covers), runs report.py, and saves the
 * summary it wrote with one more (Save…, then Enter in the save dialog, which offers the same path
 * in the workspace). Nothing is on the disk before the click.
 */
function readAndSave(name: string, extra: Partial<UiCheck> = {}): UiCheck {
  return {
    name,
    ...extra,
    async run(wb, workspace) {
      const asked = await allowReadingData(wb);
      assert.match(asked.message, /read sales\/data\/\? 1 file, 258 B, read-only\.$/);
      assert.match(asked.detail, /^sales\/data\/sales\.csv {2}\(258 B\)$/m, 'the dialog lists the file and its size');
      assert.match(asked.detail, /^sales\/data\/link-out\.csv: a symbolic link, which is never followed$/m);
      const view = await runReport(wb);
      const run = view.locator('#runs section.run').last();
      assert.match(await run.locator('pre.stdout').first().innerText(), TOTALS);
      const row = run.locator('.files .file', { hasText: 'sales/output/summary.csv' });
      assert.deepEqual(await row.locator('button').allInnerTexts(), ['Save…', 'Open']);
      const saved = path.join(workspace, 'sales', 'output', 'summary.csv');
      assert.equal(fs.existsSync(saved), false, 'nothing reached the disk before Save…');
      await row.locator('button.save').click();
      // The save dialog offers the same path in the workspace; Enter takes it.
      const input = wb.page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      // The dialog fills in the file's name once it has listed the folder.
      for (let i = 0; i < 100 && !(await input.inputValue()).endsWith('summary.csv'); i++) await wb.page.waitForTimeout(100);
      assert.match(await input.inputValue(), /\/workspace\/sales\/output\/summary\.csv$/);
      await wb.page.keyboard.press('Enter');
      assert.equal(await waitForContent(wb, saved, SUMMARY), SUMMARY);
      // The saved file, beside the run that wrote it (the README's picture).
      await wb.openFromExplorer('sales/output/summary.csv');
    },
  };
}

export const filesReadAndSave = readAndSave('files-read-and-save');

/** The same in the browser's web worker extension host, as in vscode.dev: the files are read through VS Code's file-system API. */
export const filesReadAndSaveInWebWorkerHost = readAndSave('files-read-and-save-in-web-worker-host', {
  userSettings: WEB_WORKER_HOST_SETTINGS,
});

/**
 * A notebook cell writes under output/: the extension's renderer lists the file in the cell's
 * outputs with Save… and Open, and Save… writes it where the dialog says (the same path in the
 * workspace by default), only then.
 */
export const filesNotebookSave: UiCheck = {
  name: 'files-notebook-save',
  userSettings: { 'pythonSandbox.files.readable': ['sales/data/**'] },
  async run(wb, workspace) {
    await wb.openNotebook('north.ipynb');
    await wb.selectNotebookKernel('Python Sandbox');
    await wb.runCommand('Notebook: Run All');
    const outputs = await wb.waitForFrame('the list of files the cell wrote', async (frame) => {
      return (await frame.locator('.python-sandbox-files .file', { hasText: 'sales/output/north.csv' }).count()) > 0;
    });
    assert.match(await outputs.locator('body').innerText(), /10 rows read/);
    const saved = path.join(workspace, 'sales', 'output', 'north.csv');
    assert.equal(fs.existsSync(saved), false, 'nothing reached the disk before Save…');
    await outputs.locator('.python-sandbox-files .file button.save').first().click();
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10_000 });
    for (let i = 0; i < 100 && !(await input.inputValue()).endsWith('north.csv'); i++) await wb.page.waitForTimeout(100);
    assert.match(await input.inputValue(), /\/workspace\/sales\/output\/north\.csv$/);
    await wb.page.keyboard.press('Enter');
    const north = 'date,region,amount\r\n2025-01-03,north,1200.50\r\n2025-02-02,north,990.00\r\n2025-03-18,north,1105.00\r\n';
    assert.equal(await waitForContent(wb, saved, north), north);
  },
};

/**
 * Open shows a file the code wrote, read-only, without saving it. Sandbox: Show File Access lists
 * the grant with what it covers; picking it revokes it, and the next run no longer reads the file.
 */
export const filesRevoke: UiCheck = {
  name: 'files-revoke',
  async run(wb, workspace) {
    await allowReadingData(wb);
    const view = await runReport(wb);
    await view.locator('#runs .files .file button.open').last().click();
    await wb.page.locator('.tab.active[data-resource-name="summary.csv"]').waitFor({ timeout: 10_000 });
    await wb.page.locator('.editor-instance .view-lines', { hasText: 'north,3295.50' }).first().waitFor({ timeout: 10_000 });
    assert.equal(fs.existsSync(path.join(workspace, 'sales', 'output')), false, 'Open wrote nothing to the disk');
    await wb.runCommand('Sandbox: Show File Access', true);
    const row = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'sales/data/' }).first();
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /1 file, 258 B/);
    await row.click();
    await wb.page.keyboard.press('Enter');
    await wb.openFile('report.py');
    await wb.runCommand('Sandbox: Exec File');
    await wb.runCommand('Sandbox: Show Output');
    await wb.waitForOutput(/✗ FileNotFoundError: \[Errno 44\] No such file or directory: 'data\/sales\.csv'/);
  },
};

/**
 * In an untrusted workspace (Restricted Mode) a workspace settings file that grants the workspace
 * to the sandbox is ignored: pythonSandbox.files.readable is a restricted setting, taken from the
 * user's settings only.
 */
export const filesUntrustedWorkspace: UiCheck = {
  name: 'files-untrusted-workspace-grants-nothing',
  untrusted: true,
  settings: { 'pythonSandbox.files.readable': ['sales/**', '**'] },
  // The user's own grant holds there: the setting works, the workspace's value does not count.
  userSettings: { 'pythonSandbox.files.readable': ['sales/notes.txt'] },
  async run(wb, workspace) {
    fs.writeFileSync(path.join(workspace, 'sales', 'notes_check.py'), 'print(open("notes.txt").read(), end="")\n');
    await wb.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await wb.openFile('notes_check.py');
    await wb.runCommand('Sandbox: Exec File');
    await wb.runCommand('Sandbox: Show Output');
    await wb.waitForOutput(/▶ exec notes_check\.py:1(-2)?\nprivate notes: not granted\n✓ /);
    await wb.openFile('report.py');
    await wb.runCommand('Sandbox: Exec File');
    await wb.runCommand('Sandbox: Show Output');
    await wb.waitForOutput(/✗ FileNotFoundError: \[Errno 44\] No such file or directory: 'data\/sales\.csv'; the sandbox reads only/);
  },
};
