/** Every command id the extension contributes; package.json lists the same ids. */
export const CommandIds = {
  execSelection: 'pythonSandbox.execSelection',
  execFile: 'pythonSandbox.execFile',
  execCell: 'pythonSandbox.execCell',
  execCellAndBelow: 'pythonSandbox.execCellAndBelow',
  evalExpression: 'pythonSandbox.evalExpression',
  interrupt: 'pythonSandbox.interrupt',
  restart: 'pythonSandbox.restart',
  showOutput: 'pythonSandbox.showOutput',
  installPackages: 'pythonSandbox.installPackages',
  clearPackageCache: 'pythonSandbox.clearPackageCache',
  /** Not in the palette: what clicking the status bar item does. */
  statusBarClick: 'pythonSandbox.statusBarClick',
  /** Not in the palette: facts about the running sandbox, for tests and support. */
  runtimeInfo: 'pythonSandbox.runtimeInfo',
  /** Not in the palette: the inline values shown in a document (`⇒ value`), for tests and support. */
  inlineValues: 'pythonSandbox.inlineValues',
  /** The notebook toolbar's restart: a fresh namespace for the notebook's Python Sandbox kernel. */
  restartKernel: 'pythonSandbox.restartKernel',
  /** Not in the palette: facts about a notebook's kernel (state, process), for tests and support. */
  kernelInfo: 'pythonSandbox.kernelInfo',
  /** Empties the "Python Sandbox" output view (its title bar). */
  clearOutputView: 'pythonSandbox.clearOutputView',
  /** Not in the palette: what the output view holds, without image data, for tests and support. */
  outputViewRuns: 'pythonSandbox.outputViewRuns',
  /** The Variables view's title bar: read the namespace again. */
  refreshVariables: 'pythonSandbox.refreshVariables',
  /** The Variables view's filter: show, or hide, modules, functions and classes. */
  showAllVariables: 'pythonSandbox.showAllVariables',
  hideModulesFunctionsClasses: 'pythonSandbox.hideModulesFunctionsClasses',
  /** A variable's context menu (and inline action): its value as a table. */
  showVariableTable: 'pythonSandbox.showVariableTable',
  /** Not in the palette: what a "Show more" item of the Variables view does. */
  variablesMore: 'pythonSandbox.variablesMore',
  /** Not in the palette: what the Variables view shows (with the children of the paths given), for tests and support. */
  variablesShown: 'pythonSandbox.variablesShown',
  /** Not in the palette: what the last variable table shown holds, for tests and support. */
  variableTableShown: 'pythonSandbox.variableTableShown',
  /** Not in the palette: the confirmation the agent tool shows for an input (title and Markdown), for tests and support. */
  agentConfirmation: 'pythonSandbox.agentConfirmation',
} as const;

/** Context keys set by the extension, used in `when` clauses. */
export const ContextKeys = {
  running: 'pythonSandbox.running',
} as const;
