import * as vscode from 'vscode';
import { GrantError, totalSize, type Coverage, type Grant } from '../files/grants';
import { formatSize } from '../sandbox/shared/bytes';
import { relativeTo, type CommandGrant, type FileAccess } from '../session/file-access';
import { CommandIds } from './ids';

/** Files a confirmation names one by one; the rest are counted. */
const LISTED_FILES = 12;

/** `data/` for a folder, `data/a.csv` for a file, `the workspace folder` for its top. */
function grantLabel(grant: Grant): string {
  if (grant.kind === 'glob') return grant.pattern;
  if (grant.path === '') return 'the whole workspace folder';
  return grant.kind === 'folder' ? `${grant.path}/` : grant.path;
}

/** `12 files, 3.4 MB` */
function summary(coverage: Coverage): string {
  const count = coverage.files.length;
  return `${count} ${count === 1 ? 'file' : 'files'}, ${formatSize(totalSize(coverage.files))}`;
}

/** What a grant covers, file by file, for its confirmation. */
export function coverageDetail(coverage: Coverage): string {
  const lines = coverage.files.slice(0, LISTED_FILES).map((file) => `${file.path}  (${formatSize(file.size)})`);
  if (coverage.files.length > LISTED_FILES) lines.push(`… and ${coverage.files.length - LISTED_FILES} more`);
  if (coverage.passed.length > 0) {
    lines.push('', 'Not granted:');
    lines.push(...coverage.passed.slice(0, LISTED_FILES).map((item) => `${item.path}: ${item.why}`));
    if (coverage.passed.length > LISTED_FILES) lines.push(`… and ${coverage.passed.length - LISTED_FILES} more`);
  }
  return lines.join('\n');
}

/**
 * Sandbox: Allow Reading Folder… / Allow Reading File… (the palette, and the Explorer's context
 * menu), and Sandbox: Show File Access, which lists the grants and revokes them.
 */
export function registerFileCommands(access: FileAccess): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandIds.allowReadingFolder, (uri?: vscode.Uri) => allowReading(access, 'folder', uri)),
    vscode.commands.registerCommand(CommandIds.allowReadingFile, (uri?: vscode.Uri) => allowReading(access, 'file', uri)),
    vscode.commands.registerCommand(CommandIds.showFileAccess, () => showFileAccess(access)),
  );
}

/** Asks for a folder or file (unless the Explorer named one), shows what it covers, and grants it once the user allows. */
async function allowReading(access: FileAccess, kind: CommandGrant['kind'], given: vscode.Uri | undefined): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showErrorMessage('Python Sandbox reads files of a workspace folder only: open a folder first.');
    return;
  }
  const uri =
    given instanceof vscode.Uri
      ? given
      : (
          await vscode.window.showOpenDialog({
            title: kind === 'folder' ? 'Allow the Sandbox to Read a Folder' : 'Allow the Sandbox to Read a File',
            defaultUri: folders[0].uri,
            canSelectFolders: kind === 'folder',
            canSelectFiles: kind === 'file',
            openLabel: 'Choose',
          })
        )?.[0];
  if (!uri) return;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const path = folder && relativeTo(folder, uri);
  if (!folder || path === undefined || (kind === 'file' && path === '')) {
    void vscode.window.showErrorMessage(`Python Sandbox reads files of a workspace folder only; ${uri.fsPath || uri.path} is not in one.`);
    return;
  }
  const grant: CommandGrant = { kind, path };
  let coverage: Coverage;
  try {
    coverage = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Python Sandbox: looking at ${grantLabel(grant)}` },
      () => access.coverage(folder, [grant]),
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Python Sandbox: ${error instanceof GrantError ? error.message : String(error)}`);
    return;
  }
  if (coverage.files.length === 0) {
    const why = coverage.passed[0] ? `: ${coverage.passed[0].path} is ${coverage.passed[0].why}` : '';
    void vscode.window.showWarningMessage(`Python Sandbox: ${grantLabel(grant)} holds no file the sandbox could read${why}.`);
    return;
  }
  const where = folders.length > 1 ? ` in ${folder.name}` : '';
  const choice = await vscode.window.showWarningMessage(
    `Let Python in the sandbox read ${grantLabel(grant)}${where}? ${summary(coverage)}, read-only.`,
    {
      modal: true,
      detail: `Runs of the files in this workspace folder will see these files, and nothing else of your disk; Sandbox: Show File Access revokes it.\n\n${coverageDetail(coverage)}`,
    },
    'Allow',
  );
  if (choice !== 'Allow') return;
  await access.add(folder, grant);
  vscode.window.setStatusBarMessage(`Python Sandbox may read ${grantLabel(grant)} (${summary(coverage)})`, 5000);
}

/** One grant in the Show File Access list. */
interface GrantItem extends vscode.QuickPickItem {
  readonly folder: vscode.WorkspaceFolder;
  readonly grant: Grant;
}

/** Lists every grant with what it covers now; the ones picked are revoked. */
async function showFileAccess(access: FileAccess): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const items = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Python Sandbox: looking at the files it may read' },
    () =>
      Promise.all(
        folders.flatMap((folder) =>
          access.grantsOf(folder).map(async (grant): Promise<GrantItem> => {
            const covered = await access
              .coverage(folder, [grant])
              .then(summary, (error: unknown) => (error instanceof Error ? error.message : String(error)));
            const source = grant.kind === 'glob' ? 'pythonSandbox.files.readable' : 'allowed with a command';
            return {
              folder,
              grant,
              label: `${grant.kind === 'glob' ? '$(settings-gear)' : grant.kind === 'folder' ? '$(folder)' : '$(file)'} ${grantLabel(grant)}`,
              description: covered,
              detail: folders.length > 1 ? `${folder.name}: ${source}` : source,
            };
          }),
        ),
      ),
  );
  if (items.length === 0) {
    const choice = await vscode.window.showInformationMessage(
      'Python Sandbox reads none of your files.',
      'Allow Reading Folder…',
      'Allow Reading File…',
    );
    if (choice)
      await vscode.commands.executeCommand(choice.includes('Folder') ? CommandIds.allowReadingFolder : CommandIds.allowReadingFile);
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Python Sandbox: File Access',
    placeHolder: 'What runs may read, read-only. Check the grants to revoke, then press Enter.',
    canPickMany: true,
    matchOnDetail: true,
  });
  if (!picked?.length) return;
  for (const { folder, grant } of picked) {
    if (grant.kind === 'glob') await removeGlob(folder, grant.pattern);
    else await access.remove(folder, grant);
  }
  vscode.window.setStatusBarMessage(
    `Python Sandbox: ${picked.length} ${picked.length === 1 ? 'grant' : 'grants'} revoked; the next run reads without them`,
    5000,
  );
}

/** Removes a glob from `pythonSandbox.files.readable` wherever it is set for the folder (user, workspace or folder settings). */
async function removeGlob(folder: vscode.WorkspaceFolder, pattern: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('pythonSandbox', folder.uri);
  const values = config.inspect<unknown>('files.readable');
  const targets: Array<[unknown, vscode.ConfigurationTarget]> = [
    [values?.globalValue, vscode.ConfigurationTarget.Global],
    [values?.workspaceValue, vscode.ConfigurationTarget.Workspace],
    [values?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
  ];
  for (const [value, target] of targets) {
    if (Array.isArray(value) && value.includes(pattern))
      await config.update(
        'files.readable',
        value.filter((item) => item !== pattern),
        target,
      );
  }
}
