/**
 * Files a cell wrote under output/, as a cell output: a list with Save… and Open buttons, drawn
 * by the extension's notebook renderer (media/output-files-renderer.js), which posts the clicks
 * here. A text/plain item says the same for anything else that shows the notebook.
 */
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import type { OutputFile } from '../sandbox/protocol';
import { formatSize } from '../sandbox/shared/bytes';

/** The MIME type of the list, which only this extension's renderer draws (package.json `notebookRenderer`). */
export const OUTPUT_FILES_MIME = 'application/vnd.python-sandbox.output-files+json';
const RENDERER_ID = 'python-sandbox-output-files';

/** What the list's JSON holds. */
export interface OutputFilesData {
  readonly files: readonly OutputFile[];
  readonly omitted: number;
}

/** The list as a cell output: its JSON for the renderer, and text for everyone else. */
export function outputFilesOutput(data: OutputFilesData): vscode.NotebookCellOutput {
  const lines = data.files.map((file) => `  ${file.path}  (${formatSize(file.size)})`);
  if (data.omitted > 0) lines.push(`  ${data.omitted} more not listed`);
  const text = `Written under output/ (in the sandbox only, until saved with Python Sandbox):\n${lines.join('\n')}\n`;
  return new vscode.NotebookCellOutput(
    [vscode.NotebookCellOutputItem.json(data, OUTPUT_FILES_MIME), vscode.NotebookCellOutputItem.text(text, 'text/plain')],
    { outputType: 'display_data' },
  );
}

/** Runs Save… and Open for the buttons of the list, in the runtime of the notebook they were clicked in. */
export function listenToOutputFileButtons(): vscode.Disposable {
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  return messaging.onDidReceiveMessage(({ editor, message }) => {
    const { action, file } = (message ?? {}) as { action?: unknown; file?: unknown };
    if (action !== 'save' && action !== 'open') return;
    // The command checks the file as it checks anything that did not stay in the host.
    void vscode.commands.executeCommand(action === 'save' ? CommandIds.saveOutputFile : CommandIds.openOutputFile, {
      runtime: 'notebook',
      document: editor.notebook.uri.toString(),
      file,
    });
  });
}
