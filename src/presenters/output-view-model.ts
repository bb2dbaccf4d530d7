/**
 * What the "Python Sandbox" output view shows, as data: runs with their parts (text, images,
 * HTML, preformatted values), and the messages that keep the view's page in step. The page
 * (media/output-view.js) renders exactly these shapes. No `vscode` import.
 */
import { prettyJson } from './format';
import type { DisplayItem, StreamName } from '../sandbox/protocol';

/** One piece of a run, in the order it came. */
export type ViewPart =
  | { readonly kind: 'text'; readonly id: number; readonly stream: StreamName; readonly text: string }
  /** Bitmap or SVG, as base64 for a `data:` URL; the page offers copy and save. */
  | { readonly kind: 'image'; readonly id: number; readonly mime: string; readonly base64: string }
  /** HTML (or Markdown rendered to it), shown without running scripts. */
  | { readonly kind: 'html'; readonly id: number; readonly html: string }
  /** A value as text: text/plain, JSON, and Markdown until it is rendered. */
  | { readonly kind: 'pre'; readonly id: number; readonly text: string }
  /** Files the run wrote under output/ (each path relative to the workspace folder, its size shown), with Save… and Open. */
  | { readonly kind: 'files'; readonly id: number; readonly files: readonly ViewFile[]; readonly omitted: number };

/** An output file as the view lists it. */
export interface ViewFile {
  readonly path: string;
  /** As people read it: `1.2 KB`. */
  readonly size: string;
}

/** A run as the view shows it: its header, parts and, once over, its footer. */
export interface ViewRun {
  readonly id: number;
  readonly header: string;
  readonly parts: ViewPart[];
  footer?: string;
  failed?: boolean;
}

/** Page <- extension. */
export type ToPage =
  | { readonly type: 'reset'; readonly runs: readonly ViewRun[] }
  | { readonly type: 'run'; readonly run: ViewRun }
  | { readonly type: 'part'; readonly runId: number; readonly part: ViewPart }
  | { readonly type: 'append'; readonly runId: number; readonly partId: number; readonly text: string }
  | { readonly type: 'replace'; readonly runId: number; readonly part: ViewPart }
  | { readonly type: 'end'; readonly runId: number; readonly footer: string; readonly failed: boolean }
  /** clear_output: the run's parts so far are gone. */
  | { readonly type: 'clear'; readonly runId: number }
  | { readonly type: 'drop'; readonly runId: number };

/** Page -> extension. */
export type FromPage =
  | { readonly type: 'ready' }
  | { readonly type: 'save'; readonly partId: number }
  /** A Save… or Open button of the `index`th file of a files part. */
  | { readonly type: 'output-file'; readonly action: 'save' | 'open'; readonly partId: number; readonly index: number }
  | { readonly type: 'copy-failed'; readonly reason: string };

/** The representation a bundle is shown by, richest first; text/plain is always there. */
const PREFERENCE = [
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/markdown',
  'application/json',
];

/** The item of a bundle the view shows. */
export function chooseItem(items: readonly DisplayItem[]): DisplayItem {
  for (const mime of PREFERENCE) {
    const item = items.find((i) => i.mime === mime);
    if (item) return item;
  }
  return items.find((i) => i.mime === 'text/plain') ?? items[0];
}

/** A part for one display item; `id` names it for later updates and for saving. */
export function partFor(item: DisplayItem, id: number): ViewPart {
  if (item.mime.startsWith('image/')) {
    const base64 = item.encoding === 'base64' ? item.data : Buffer.from(item.data, 'utf8').toString('base64');
    return { kind: 'image', id, mime: item.mime, base64 };
  }
  if (item.mime === 'text/html') return { kind: 'html', id, html: item.data };
  if (item.mime === 'application/json') return { kind: 'pre', id, text: prettyJson(item.data) };
  return {
    kind: 'pre',
    id,
    text: item.encoding === 'base64' ? `[${item.mime}, ${Math.round((item.data.length * 3) / 4)} bytes]` : item.data,
  };
}

/** How many characters of the sandbox's data a part holds, for the view's limits. */
export function partChars(part: ViewPart): number {
  switch (part.kind) {
    case 'image':
      return part.base64.length;
    case 'html':
      return part.html.length;
    case 'files':
      return part.files.reduce((n, file) => n + file.path.length, 0);
    default:
      return part.text.length;
  }
}

/** File name extensions for saving images. */
export const IMAGE_EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
};
