/**
 * Jupyter notebook files (nbformat 4) as the CLI's notebook command reads and writes them: the
 * code cells' sources in, and each cell's outputs and count out, as Jupyter saves them (text split
 * into lines, binary data in base64, JSON as JSON). Everything else in the file is kept as it was.
 * No `vscode` and no Node import.
 */
import type { DisplayData, StreamName } from '../sandbox/protocol';
import type { NewOutput, OutputTarget } from './output-rules';

/** An output as nbformat 4 stores it (text as one string until the file is written). */
export type JupyterOutput =
  | { output_type: 'stream'; name: StreamName; text: string | string[] }
  | { output_type: 'display_data'; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: 'execute_result'; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count: number }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

/** A code cell of the file, with the fields the command writes. */
export interface CodeCell {
  cell_type: 'code';
  source: string | string[];
  outputs: JupyterOutput[];
  execution_count: number | null;
  [key: string]: unknown;
}

/** A notebook file, parsed. */
export interface Notebook {
  nbformat: number;
  cells: Array<CodeCell | { cell_type: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** Parses a notebook file; throws an Error saying what is wrong with it. */
export function parseNotebook(text: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not a notebook: ${error instanceof Error ? error.message : String(error)}`);
  }
  const notebook = value as Partial<Notebook> | null;
  if (typeof notebook !== 'object' || notebook === null || !Array.isArray(notebook.cells))
    throw new Error('not a notebook: it has no list of cells');
  if (notebook.nbformat !== 4) throw new Error(`nbformat ${String(notebook.nbformat)}: only nbformat 4 notebooks are read`);
  for (const cell of notebook.cells) {
    if (typeof cell !== 'object' || cell === null || typeof cell.cell_type !== 'string')
      throw new Error('not a notebook: a cell has no type');
  }
  return notebook as Notebook;
}

/** The code cells, in order. */
export function codeCells(notebook: Notebook): CodeCell[] {
  return notebook.cells.filter((cell): cell is CodeCell => cell.cell_type === 'code');
}

/** A cell's source as one string (nbformat allows a list of lines). */
export function cellSource(cell: CodeCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
}

/** The notebook as Jupyter writes it: outputs' text in lines, one-space indentation, a final newline. */
export function formatNotebook(notebook: Notebook): string {
  for (const cell of codeCells(notebook)) {
    for (const output of cell.outputs) {
      if (output.output_type === 'stream' && typeof output.text === 'string') output.text = lines(output.text);
      if (output.output_type === 'display_data' || output.output_type === 'execute_result') splitText(output.data);
    }
  }
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/** `text` as nbformat keeps multi-line text on disk: a list of lines, each with its newline. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Types that are text but not text/*, which Jupyter splits into lines too. */
const SPLIT_TYPES = new Set(['application/javascript', 'image/svg+xml']);

function isJsonType(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/** A display bundle as nbformat's `data`: JSON parsed, text and base64 as they are. */
export function bundleData(data: DisplayData): Record<string, unknown> {
  return Object.fromEntries(
    data.items.map((item) => [item.mime, item.encoding === 'text' && isJsonType(item.mime) ? parseJsonOr(item.data) : item.data]),
  );
}

/** Text types' data in lines, as Jupyter writes them. */
function splitText(data: Record<string, unknown>): void {
  for (const [mime, value] of Object.entries(data)) {
    if (typeof value === 'string' && (mime.startsWith('text/') || SPLIT_TYPES.has(mime))) data[mime] = lines(value);
  }
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function jupyterOutput(output: NewOutput): JupyterOutput {
  switch (output.type) {
    case 'stream':
      return { output_type: 'stream', name: output.name, text: output.text };
    case 'display':
      return output.data.kind === 'result'
        ? { output_type: 'execute_result', data: bundleData(output.data), metadata: {}, execution_count: output.executionCount }
        : { output_type: 'display_data', data: bundleData(output.data), metadata: {} };
    case 'error':
      return {
        output_type: 'error',
        ename: output.error.name,
        evalue: output.error.message,
        traceback: output.error.traceback.split('\n'),
      };
  }
}

/** Where a cell's outputs go in the file: its `outputs` list, rewritten as the run goes. */
export function cellTarget(cell: CodeCell): OutputTarget<JupyterOutput> {
  return {
    append: (output) => {
      const made = jupyterOutput(output);
      cell.outputs.push(made);
      return made;
    },
    extend: (handle, _name, text) => {
      if (handle.output_type === 'stream') handle.text = `${typeof handle.text === 'string' ? handle.text : handle.text.join('')}${text}`;
    },
    replace: (handle, data) => {
      if (handle.output_type === 'display_data' || handle.output_type === 'execute_result') handle.data = bundleData(data);
    },
    clear: () => {
      cell.outputs.length = 0;
    },
  };
}
