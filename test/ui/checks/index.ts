import type { UiCheck } from '../check';
import {
  execSelectionFromContextMenu,
  execSelectionFromPalette,
  execSelectionInWebWorkerHost,
  execSelectionWithKeybinding,
} from './exec-selection';
import { evalInlineValue } from './inline-value';
import { inputThroughInputBox } from './input-box';
import { noProcessLeftAfterDeactivation } from './no-process-left';
import { filesNotebookSave, filesReadAndSave, filesReadAndSaveInWebWorkerHost, filesRevoke, filesUntrustedWorkspace } from './files';
import { notebookOutputs } from './notebook';
import { outputViewHtmlWithoutScripts, outputViewImage } from './output-view';
import { clearOutputBeforeRun, revealOutputNever, revealOutputOnError } from './output-settings';
import { installPackagesPick, packageConsent } from './package-consent';
import { problemsFromError } from './problems';
import { queuedRunsInOrder } from './queued-runs';
import { showOutputFromPalette } from './show-output';

/** All UI checks, run in this order, each in a fresh server, browser and workspace. */
export const CHECKS: UiCheck[] = [
  showOutputFromPalette,
  execSelectionFromPalette,
  execSelectionFromContextMenu,
  execSelectionWithKeybinding,
  problemsFromError,
  evalInlineValue,
  inputThroughInputBox,
  queuedRunsInOrder,
  revealOutputNever,
  revealOutputOnError,
  clearOutputBeforeRun,
  notebookOutputs,
  outputViewImage,
  outputViewHtmlWithoutScripts,
  packageConsent,
  installPackagesPick,
  noProcessLeftAfterDeactivation,
  execSelectionInWebWorkerHost,
  filesReadAndSave,
  filesRevoke,
  filesUntrustedWorkspace,
  filesNotebookSave,
  filesReadAndSaveInWebWorkerHost,
];
