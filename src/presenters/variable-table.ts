import * as vscode from 'vscode';
import type { VariableTable } from '../sandbox/protocol';
import type { InspectableRuntime } from './inspectable-runtime';
import { webviewHtml } from './output-view-html';
import { BUDGETS, oneLine, TABLE_ROWS, tableSize, type NodePath } from './variables-model';

/** What the table page shows (media/variable-table.js renders exactly this). */
export interface TablePage {
  readonly title: string;
  readonly size: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

/** What a table panel shows, its rows cut to the first few: for tests and support. */
export interface ShownTable extends Omit<TablePage, 'rows'> {
  readonly firstRows: ReadonlyArray<readonly string[]>;
  readonly rowCount: number;
}

/**
 * A variable as a table, in an editor tab of its own: a list of rows, a dict of columns, a
 * DataFrame or a 2-D array, its first 1,000 rows, sortable by any column, with its full size
 * stated. The cells are the sandbox's text: the page puts them in as text, never as markup,
 * under the same Content-Security-Policy as the output view.
 */
export class VariableTablePresenter implements vscode.Disposable {
  /** Open panels by runtime and path, with the table each shows. */
  private readonly panels = new Map<string, { readonly panel: vscode.WebviewPanel; page: TablePage }>();
  private last: TablePage | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Reads the value at `path` as a table and shows it; says why when it cannot. */
  async show(runtime: InspectableRuntime, path: NodePath, expression: string): Promise<void> {
    const inspection = await runtime.inspect({ op: 'table', path, maxRows: TABLE_ROWS, budget: BUDGETS.table });
    const title = oneLine(expression, 80);
    const table = 'answer' in inspection ? inspection.answer.table : undefined;
    if (!table) {
      const why = 'answer' in inspection ? (inspection.answer.problem ?? 'it is no table') : inspection.unavailable;
      void vscode.window.showWarningMessage(`Python Sandbox: ${title} cannot be shown as a table: ${oneLine(why, 300)}`);
      return;
    }
    this.open(`${runtime.label}\n${JSON.stringify(path)}`, pageOf(title, table));
  }

  /** What the last table shown holds; for tests and support. */
  lastShown(): ShownTable | undefined {
    if (!this.last) return undefined;
    const { rows, ...rest } = this.last;
    return { ...rest, firstRows: rows.slice(0, 5), rowCount: rows.length };
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
  }

  private open(key: string, page: TablePage): void {
    this.last = page;
    const open = this.panels.get(key);
    if (open) {
      open.page = page;
      open.panel.title = `${page.title} (table)`;
      open.panel.reveal();
      void open.panel.webview.postMessage(page);
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('pythonSandbox.variableTable', `${page.title} (table)`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    const shown = { panel, page };
    this.panels.set(key, shown);
    // The page asks for its table once it listens.
    const asked = panel.webview.onDidReceiveMessage((message: { type?: unknown }) => {
      if (message.type === 'ready') void panel.webview.postMessage(shown.page);
    });
    panel.onDidDispose(() => {
      asked.dispose();
      this.panels.delete(key);
    });
    panel.webview.html = webviewHtml(panel.webview, media, {
      title: 'Table',
      stylesheet: 'variable-table.css',
      script: 'variable-table.js',
      body: '<p id="size"></p><table id="table"><thead></thead><tbody></tbody></table>',
    });
  }
}

/** The page's data for a table the sandbox sent; every text made one line. */
function pageOf(title: string, table: VariableTable): TablePage {
  return {
    title,
    size: tableSize(table.rows.length, table.totalRows, table.columns.length, table.totalColumns),
    columns: table.columns.map((column) => oneLine(column, 100)),
    rows: table.rows.map((row) => row.map((cell) => oneLine(cell, 100))),
  };
}
