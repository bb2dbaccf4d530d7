/** `# %%` cells, as in Jupyter-style Python files. No `vscode` import. */

/** A cell: its header line (if any) and the code lines below it, 0-based and inclusive. */
export interface Cell {
  /** The `# %%` line, or undefined for code above the first marker. */
  readonly headerLine?: number;
  readonly startLine: number;
  readonly endLine: number;
}

const CELL_MARKER = /^\s*#\s*%%/;

/** Splits a document into cells; code above the first marker is a cell of its own if non-blank. */
export function findCells(lines: readonly string[]): Cell[] {
  const markers = lines.flatMap((line, i) => (CELL_MARKER.test(line) ? [i] : []));
  if (markers.length === 0) return [];
  const cells: Cell[] = [];
  if (lines.slice(0, markers[0]).some((line) => line.trim() !== '')) cells.push({ startLine: 0, endLine: markers[0] - 1 });
  markers.forEach((header, i) => {
    const end = (markers[i + 1] ?? lines.length) - 1;
    cells.push({ headerLine: header, startLine: Math.min(header + 1, end), endLine: end });
  });
  return cells;
}

/** The cell that holds `line`, if the document has cells. */
export function cellAt(cells: readonly Cell[], line: number): Cell | undefined {
  return cells.find((cell) => (cell.headerLine ?? cell.startLine) <= line && line <= cell.endLine);
}
