/**
 * How the Variables view, its hovers and its tables show what a variables query found. Every
 * text in a variable was made by code in the sandbox, so it is hostile: shown as plain text
 * without control or format characters (tree labels, descriptions), or inside Markdown that
 * nothing in it can leave (code spans and blocks, for tooltips and hovers). No `vscode` import.
 */
import type { Variable, VariablesBudget, VariablesQuery } from '../sandbox/protocol';
import { withoutControlCharacters } from '../sandbox/untrusted-text';
import { codeBlock, codeSpan } from '../tools/confirmation';

/** Variables listed at a time, at the top and under a value; "more" lists the next page. */
export const VARIABLES_PAGE = 100;
/** Characters of a value in the tree; a hover and a tooltip show more. */
export const TREE_VALUE_CHARS = 200;
export const HOVER_VALUE_CHARS = 2000;
/** Rows a table shows. */
export const TABLE_ROWS = 1000;

/**
 * The time reading values may take inside the sandbox: a value, and a query (a page of the
 * tree, a hover, a table). A hover must be quick; a table reads up to 1,000 rows in one go.
 */
export const BUDGETS = {
  tree: { valueMs: 100, totalMs: 1000 },
  hover: { valueMs: 250, totalMs: 500 },
  table: { valueMs: 3000, totalMs: 3000 },
} as const satisfies Record<string, VariablesBudget>;

/** Where a node is: the top of the namespace, or a value's path. */
export type NodePath = readonly (string | number)[];

/** The query for a page of names (`path` empty) or of a value's children. */
export function pageQuery(path: NodePath, pages: number, hide: boolean): VariablesQuery {
  const page = { offset: 0, limit: pages * VARIABLES_PAGE, valueChars: TREE_VALUE_CHARS, budget: BUDGETS.tree };
  return path.length === 0 ? { op: 'names', hide, ...page } : { op: 'children', path, ...page };
}

/** One line of sandbox text: no control or format characters, no line breaks, well-formed, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = withoutControlCharacters(text.toWellFormed()).replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Text of the sandbox's for a Markdown code block: well-formed, no control or format characters but line breaks and tabs. */
function blockText(text: string): string {
  return withoutControlCharacters(text.toWellFormed());
}

/** The tree item's label: the name. */
export function variableLabel(variable: Variable): string {
  return oneLine(variable.name, 100) || '…';
}

/** What follows the name in the tree: its value, then its type and summary; or why it could not be read. */
export function variableDescription(variable: Variable): string {
  const type = [variable.type, variable.summary].filter(Boolean).join(', ');
  if (variable.unavailable !== undefined) return oneLine(`${type ? `${type} · ` : ''}unavailable: ${variable.unavailable}`, 300);
  return oneLine(`${variable.value ?? ''}${type ? ` · ${type}` : ''}`, 300);
}

/**
 * Markdown for a tooltip or a hover: our words outside, the sandbox's in code spans and one
 * code block. `heading` names the value (`p.norm`) and is the user's own text, shown as code too.
 */
export function variableMarkdown(heading: string, variable: Variable, runtimeLabel: string): string {
  const type = [variable.type, variable.summary].filter(Boolean).join(', ');
  const lines = [`${codeSpan(oneLine(heading, 200))}${type ? `: ${codeSpan(oneLine(type, 300))}` : ''} — ${runtimeLabel}`];
  if (variable.unavailable !== undefined) lines.push(`Unavailable: ${codeSpan(oneLine(variable.unavailable, 1000))}`);
  else if (variable.value !== undefined) lines.push(codeBlock(blockText(variable.value), 'text'));
  return lines.join('\n\n');
}

/** The size line of a table: what it shows of how much. */
export function tableSize(shownRows: number, totalRows: number, shownColumns: number, totalColumns: number): string {
  const count = (n: number, one: string, many: string): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  const rows =
    shownRows < totalRows
      ? `first ${count(shownRows, 'row', 'rows')} of ${count(totalRows, 'row', 'rows')}`
      : count(totalRows, 'row', 'rows');
  const columns =
    shownColumns < totalColumns
      ? `${count(shownColumns, 'column', 'columns')} of ${totalColumns.toLocaleString('en-US')}`
      : count(totalColumns, 'column', 'columns');
  return `${rows} × ${columns}`;
}

const NAME = '[\\p{L}\\p{Nl}_][\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}]*';
const IDENTIFIER = new RegExp(NAME, 'gu');
/** A name and a dot just before the cursor's name: one step further back in the path. */
const ATTRIBUTE_OF = new RegExp(`(${NAME})\\s*\\.\\s*$`, 'u');

/** Python's keywords and soft keywords that stand where names do: never looked up. */
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type'.split(
    ' ',
  ),
);

/**
 * The name under the cursor with the attributes before it (`p.norm` at `norm`), as a path to
 * look up, and where it is on the line; undefined on anything but a name. Only plain dotted
 * names: nothing is called or indexed to find them.
 */
export function namePathAt(lineText: string, character: number): { path: string[]; start: number; end: number } | undefined {
  for (const match of lineText.matchAll(IDENTIFIER)) {
    const start = match.index;
    const end = start + match[0].length;
    if (character < start || character > end) continue;
    if (KEYWORDS.has(match[0]) || /[\p{Nd}]$/u.test(lineText.slice(0, start))) return undefined;
    const path = [match[0]];
    let before = lineText.slice(0, start);
    for (let dotted = ATTRIBUTE_OF.exec(before); dotted; dotted = ATTRIBUTE_OF.exec(before)) {
      path.unshift(dotted[1]);
      before = before.slice(0, dotted.index);
    }
    // `x.y` after a call or an index (`f().y`, `a[0].y`) is not a path in the namespace.
    if (/[)\]'"]\s*\.\s*$/.test(before) || path.some((step) => KEYWORDS.has(step))) return undefined;
    return { path, start, end };
  }
  return undefined;
}
