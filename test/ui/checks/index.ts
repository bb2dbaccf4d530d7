import type { UiCheck } from '../check';
import { keysCollideWithNoDefaultLinux, keysCollideWithNoDefaultMac, keysCollideWithNoDefaultWindows } from './default-keybindings';
import {
  execSelectionFromContextMenu,
  execSelectionFromPalette,
  execSelectionInWebWorkerHost,
  execSelectionWithKeybinding,
} from './exec-selection';
import { contextMenuShowsKeys, runButtonRunsTheFile, statusBarOnlyWithPython, walkthrough } from './getting-started';
import { evalInlineValue } from './inline-value';
import { inputThroughInputBox } from './input-box';
import { noProcessLeftAfterDeactivation } from './no-process-left';
import { keysStayOutOfNotebookCells, notebookOutputs } from './notebook';
import { outputViewHtmlWithoutScripts, outputViewImage } from './output-view';
import { clearOutputBeforeRun, revealOutputNever, revealOutputOnError } from './output-settings';
import { installPackagesPick, packageConsent, packageConsentQuestion } from './package-consent';
import { problemsFromError } from './problems';
import { queuedRunsInOrder } from './queued-runs';
import { showOutputFromPalette } from './show-output';
import { variablesView } from './variables';

/** All UI checks, run in this order, each in a fresh server, browser and workspace. */
export const CHECKS: UiCheck[] = [
  showOutputFromPalette,
  execSelectionFromPalette,
  execSelectionFromContextMenu,
  execSelectionWithKeybinding,
  contextMenuShowsKeys,
  runButtonRunsTheFile,
  walkthrough,
  statusBarOnlyWithPython,
  keysCollideWithNoDefaultLinux,
  keysCollideWithNoDefaultWindows,
  keysCollideWithNoDefaultMac,
  problemsFromError,
  evalInlineValue,
  inputThroughInputBox,
  queuedRunsInOrder,
  revealOutputNever,
  revealOutputOnError,
  clearOutputBeforeRun,
  notebookOutputs,
  keysStayOutOfNotebookCells,
  outputViewImage,
  outputViewHtmlWithoutScripts,
  variablesView,
  packageConsent,
  packageConsentQuestion,
  installPackagesPick,
  noProcessLeftAfterDeactivation,
  execSelectionInWebWorkerHost,
];
