import * as vscode from 'vscode';
import type { Inspection } from '../sandbox/client';
import { NOT_INSPECTED } from '../sandbox/inspection';
import type { Variable, VariablesAnswer } from '../sandbox/protocol';
import type { InspectableRuntime, RuntimeDirectory } from './inspectable-runtime';
import { oneLine, pageQuery, variableDescription, variableLabel, variableMarkdown, VARIABLES_PAGE, type NodePath } from './variables-model';

/** The tree view's id (package.json `views`). */
export const VARIABLES_VIEW_ID = 'pythonSandbox.variables';

/** Whether modules, functions and classes are hidden (a `when` clause shows the filter's state). */
export const HIDE_KINDS_CONTEXT = 'pythonSandbox.variablesHideKinds';

/** A variable in the tree: where it is in its runtime's namespace, and what the last query said of it. */
export interface VariableNode {
  readonly kind: 'variable';
  readonly id: string;
  readonly runtime: InspectableRuntime;
  readonly path: NodePath;
  /** How the user would write it: `p.x`, `rows[0]`, `table['a']`. */
  readonly expression: string;
  readonly variable: Variable;
}

/** "Show more": the next page of a parent's children. */
interface MoreNode {
  readonly kind: 'more';
  readonly id: string;
  /** The parent's id (`''` for the top). */
  readonly parent: string;
  readonly left: number;
}

/** A line of our own words where children would be (none, or why none). */
interface NoteNode {
  readonly kind: 'note';
  readonly id: string;
  readonly text: string;
}

export type VariablesTreeNode = VariableNode | MoreNode | NoteNode;

const ICONS: Record<Variable['kind'], string> = {
  data: 'symbol-variable',
  module: 'symbol-module',
  function: 'symbol-method',
  class: 'symbol-class',
};

/** The view's words for the runtime's own answers, as sentences. */
function sentence(text: string): string {
  const flat = oneLine(text, 1000);
  return `${flat.charAt(0).toUpperCase()}${flat.slice(1)}${/[.!?]$/.test(flat) ? '' : '.'}`;
}

/** What the tree shows, as plain data: for tests and support. */
export interface ShownVariables {
  readonly runtime: string | undefined;
  readonly message: string | undefined;
  readonly items: readonly ShownVariable[];
}

export interface ShownVariable extends Variable {
  readonly children?: readonly ShownVariable[] | string;
}

/**
 * The "Variables" view: the namespace of the runtime that the active editor or notebook uses,
 * each name with its type, summary and short value; values expand into their items or
 * attributes, a page at a time. It refreshes after each run of that runtime, never during one
 * (it shows what it had), and says which runtime it shows. Reading is the runtime's variables
 * query: budgeted, between runs, and changing nothing.
 */
export class VariablesViewPresenter implements vscode.TreeDataProvider<VariablesTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VariablesTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<VariablesTreeNode>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private runtime: InspectableRuntime | undefined;
  /** Why no runtime is followed (a notebook on another kernel). */
  private noRuntime = 'Open a Python file or a notebook on the Python Sandbox kernel, and run some code.';
  private following: vscode.Disposable | undefined;
  /** Each runtime's ids start with its number, so expansions are kept per runtime. */
  private readonly runtimeIds = new WeakMap<InspectableRuntime, number>();
  private nextRuntimeId = 1;
  /** Pages shown under a parent (by id; `''` for the top). */
  private readonly pages = new Map<string, number>();
  /** What the tree showed under a parent, shown again while the runtime is busy. */
  private readonly shown = new Map<string, VariablesTreeNode[]>();
  /** Said until the runtime's next run: its namespace was lost while it was being read. */
  private notice: string | undefined;
  /** Something changed while the view was hidden: refresh when it shows. */
  private stale = false;
  private hide: boolean;

  constructor(
    private readonly directory: RuntimeDirectory,
    private readonly memento: vscode.Memento,
  ) {
    this.hide = memento.get<boolean>(HIDE_KINDS_CONTEXT, true);
    void vscode.commands.executeCommand('setContext', HIDE_KINDS_CONTEXT, this.hide);
    this.view = vscode.window.createTreeView(VARIABLES_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility(({ visible }) => visible && this.stale && this.refresh()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.followActive()),
      vscode.window.onDidChangeActiveTextEditor(() => this.followActive()),
      directory.onDidChange(() => this.followActive()),
    );
    this.follow(directory.editor);
    this.followActive();
  }

  /** Shows modules, functions and classes, or hides them. */
  async setHidden(hide: boolean): Promise<void> {
    this.hide = hide;
    await this.memento.update(HIDE_KINDS_CONTEXT, hide);
    await vscode.commands.executeCommand('setContext', HIDE_KINDS_CONTEXT, hide);
    this.pages.clear();
    this.refresh();
  }

  /** Reads the namespace again (the view's Refresh). */
  refresh(): void {
    if (!this.view.visible) {
      this.stale = true;
      return;
    }
    this.stale = false;
    this.changed.fire(undefined);
  }

  /** Lists the next page under the parent of a "Show more" item. */
  more(node: VariablesTreeNode): void {
    if (node.kind !== 'more') return;
    this.pages.set(node.parent, (this.pages.get(node.parent) ?? 1) + 1);
    this.refresh();
  }

  /** The runtime the view follows, for the table command. */
  get followed(): InspectableRuntime | undefined {
    return this.runtime;
  }

  getTreeItem(node: VariablesTreeNode): vscode.TreeItem {
    if (node.kind === 'note') {
      const item = new vscode.TreeItem(node.text);
      item.id = node.id;
      return item;
    }
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(`Show ${Math.min(node.left, VARIABLES_PAGE)} more (${node.left.toLocaleString('en-US')} left)`);
      item.id = node.id;
      item.command = { command: 'pythonSandbox.variablesMore', title: 'Show More', arguments: [node] };
      return item;
    }
    const { variable } = node;
    const item = new vscode.TreeItem(
      variableLabel(variable),
      variable.expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = variableDescription(variable);
    const tooltip = new vscode.MarkdownString(variableMarkdown(node.expression, variable, node.runtime.label));
    tooltip.isTrusted = false;
    tooltip.supportHtml = false;
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(variable.unavailable !== undefined ? 'warning' : ICONS[variable.kind]);
    item.contextValue = variable.table ? 'variable.table' : 'variable';
    return item;
  }

  async getChildren(node?: VariablesTreeNode): Promise<VariablesTreeNode[]> {
    const runtime = node?.kind === 'variable' ? node.runtime : this.runtime;
    if (node && node.kind !== 'variable') return [];
    if (!runtime) {
      this.view.message = this.noRuntime;
      return [];
    }
    const parent = node ?? { id: `${this.idOf(runtime)}:`, path: [], expression: '' };
    const key = node ? node.id : '';
    const inspection = await runtime.inspect(pageQuery(parent.path, this.pages.get(key) ?? 1, this.hide), { ifIdle: true });
    if (!node && runtime !== this.runtime) return []; // the view moved on; a refresh follows
    if ('unavailable' in inspection) return this.without(inspection, key, node === undefined);
    const children = this.nodes(runtime, parent, key, inspection.answer);
    this.shown.set(key, children);
    if (!node) this.view.message = this.notice ?? this.topMessage(inspection.answer);
    return children;
  }

  /** What the tree shows, as data, with the children of the values at `expand`; for tests and support. */
  async snapshot(expand: readonly NodePath[] = []): Promise<ShownVariables> {
    const wanted = new Set(expand.map((path) => JSON.stringify(path)));
    const describe = async (nodes: VariablesTreeNode[]): Promise<ShownVariable[]> =>
      Promise.all(
        nodes
          .filter((node): node is VariableNode => node.kind === 'variable')
          .map(async (node) => {
            if (!wanted.has(JSON.stringify(node.path))) return node.variable;
            const children = await this.getChildren(node);
            const note = children.find((child) => child.kind === 'note');
            return { ...node.variable, children: note?.kind === 'note' ? note.text : await describe(children) };
          }),
      );
    const items = await describe(await this.getChildren());
    return { runtime: this.runtime?.label, message: this.view.message, items };
  }

  dispose(): void {
    this.following?.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  /** Follows the runtime of the active notebook, or of the active Python editor; other editors change nothing. */
  private followActive(): void {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (notebook) {
      const kernel = this.directory.forNotebook(notebook);
      this.noRuntime = 'This notebook does not run on the Python Sandbox kernel yet: select it, or run a cell.';
      this.follow(kernel);
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (editor?.document.languageId === 'python' && editor.document.uri.scheme !== 'vscode-notebook-cell')
      this.follow(this.directory.editor);
  }

  private follow(runtime: InspectableRuntime | undefined): void {
    if (runtime === this.runtime && runtime) return;
    this.following?.dispose();
    this.runtime = runtime;
    this.pages.clear();
    this.shown.clear();
    this.notice = undefined;
    this.view.description = runtime?.label;
    if (runtime) {
      let state = runtime.status.state;
      this.following = vscode.Disposable.from(
        runtime.onDidCreateRun(({ run }) => {
          this.notice = undefined;
          // After each run, whatever its end; a run that failed may have defined names too.
          void run.result.then(
            () => this.refresh(),
            () => this.refresh(),
          );
        }),
        runtime.onDidChangeStatus((status) => {
          // Started, or stopped: the namespace is new, or gone. (Status also changes with the queue.)
          if (status.state === state) return;
          const was = state;
          state = status.state;
          if (status.state === 'stopped' || (status.state === 'ready' && was === 'starting')) this.refresh();
        }),
      );
    } else {
      this.following = undefined;
    }
    this.refresh();
  }

  private idOf(runtime: InspectableRuntime): number {
    let id = this.runtimeIds.get(runtime);
    if (id === undefined) this.runtimeIds.set(runtime, (id = this.nextRuntimeId++));
    return id;
  }

  /** The nodes of an answer's page, with "Show more" when there is more, or a note when there is nothing. */
  private nodes(
    runtime: InspectableRuntime,
    parent: { readonly id: string; readonly path: NodePath; readonly expression: string },
    key: string,
    answer: VariablesAnswer,
  ): VariablesTreeNode[] {
    const top = parent.path.length === 0;
    const nodes: VariablesTreeNode[] = answer.entries.map((variable, index) => {
      const step = top || answer.by === 'attr' ? variable.name : index;
      const path = [...parent.path, step];
      const expression = top
        ? variable.name
        : answer.by === 'attr'
          ? `${parent.expression}.${variable.name}`
          : `${parent.expression}[${variable.name}]`;
      return { kind: 'variable', id: `${parent.id}/${JSON.stringify(step)}`, runtime, path, expression, variable };
    });
    const left = answer.total - answer.entries.length;
    if (left > 0 && answer.problem === undefined) nodes.push({ kind: 'more', id: `${parent.id}/more`, parent: key, left });
    if (!top && answer.problem !== undefined) nodes.push({ kind: 'note', id: `${parent.id}/note`, text: sentence(answer.problem) });
    else if (!top && nodes.length === 0)
      nodes.push({ kind: 'note', id: `${parent.id}/note`, text: answer.by === 'attr' ? 'No attributes.' : 'No items.' });
    return nodes;
  }

  /** When there is no answer: what was shown while the runtime is busy, else the reason. */
  private without(inspection: Extract<Inspection, { unavailable: string }>, key: string, top: boolean): VariablesTreeNode[] {
    if (inspection.restarted) this.notice = sentence(inspection.unavailable);
    const busy = inspection.unavailable === NOT_INSPECTED.busy;
    if (busy) this.stale = true;
    const kept = busy ? this.shown.get(key) : undefined;
    if (top) this.view.message = this.notice ?? (kept ? undefined : sentence(inspection.unavailable));
    if (kept) return kept;
    return top ? [] : [{ kind: 'note', id: `${key}/note`, text: sentence(inspection.unavailable) }];
  }

  private topMessage(answer: VariablesAnswer): string | undefined {
    if (answer.problem !== undefined) return sentence(answer.problem);
    if (answer.total > 0) return undefined;
    return this.hide ? 'No variables yet (modules, functions and classes are hidden).' : 'No variables yet.';
  }
}
