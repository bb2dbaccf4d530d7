import * as vscode from 'vscode';
import type { Settings } from '../config';
import type { RunOrigin } from '../editor/run-origin';
import { CellOutputSequence, DisplayIds, type OutputTarget } from '../notebook/output-rules';
import type { DisplayData, DisplayItem, OutputFile, StreamName } from '../sandbox/protocol';
import { formatSize } from '../sandbox/shared/bytes';
import { settledResult, type Run } from '../sandbox/run';
import { footerOf, runHeader } from './format';
import {
  chooseItem,
  IMAGE_EXTENSIONS,
  partChars,
  partFor,
  type FromPage,
  type ToPage,
  type ViewPart,
  type ViewRun,
} from './output-view-model';
import { outputViewHtml } from './output-view-html';

/** The webview view's id (package.json `views`). */
export const OUTPUT_VIEW_ID = 'pythonSandbox.outputView';

/** Runs kept; older ones leave the view. */
const MAX_RUNS = 50;
/** Text kept per run; the output channel has the rest. */
const MAX_TEXT_CHARS = 200_000;
/** Image and HTML data kept in all, in characters; the oldest runs leave first. */
const MAX_DATA_CHARS = 64 * 2 ** 20;
/** Markdown rendered to HTML; longer documents show as their text. */
const MAX_MARKDOWN_CHARS = 2 ** 20;

/** What a Save… or Open button of an output file does: `document` is the one whose run wrote it. */
export type OutputFileAction = (action: 'save' | 'open', file: OutputFile, document: string | undefined) => void;

/** A part of a run, as the output rules refer to it; undefined for what the view does not show (errors, text past its limit). */
type ViewHandle = { readonly runId: number; readonly partId: number } | undefined;

/**
 * The "Python Sandbox" view in the panel: each run of the editor with its header, its text and
 * what it displayed (images, HTML tables, Markdown), newest at the bottom, the files it wrote
 * under output/ with Save… and Open, and its footer. It comes forward when a run displays
 * something or lists files (`revealOutput: always`). The output channel stays the text log. The page renders
 * outputs without running any script from them.
 */
export class OutputViewPresenter implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly runs: ViewRun[] = [];
  private view: vscode.WebviewView | undefined;
  private nextId = 1;
  /** Parts shown with a display id, which update_display replaces. */
  private readonly displays = new DisplayIds<ViewHandle>();
  private readonly registration: vscode.Disposable;
  /** The files of each files part, and the document whose run wrote them. */
  private readonly outputFiles = new Map<number, { readonly files: readonly OutputFile[]; readonly document: string | undefined }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly settings: () => Settings,
    private readonly onOutputFile: OutputFileAction,
  ) {
    this.registration = vscode.window.registerWebviewViewProvider(OUTPUT_VIEW_ID, this);
  }

  /** Shows `run` in the view as it goes, by Jupyter's rules for outputs (output-rules.ts). */
  follow(run: Run, origin: RunOrigin | undefined): void {
    let shown: ViewRun | undefined;
    let outputs: CellOutputSequence<ViewHandle> | undefined;
    run.onDidStart(() => {
      shown = { id: this.nextId++, header: runHeader(run.mode, run.label ?? 'code'), parts: [] };
      outputs = new CellOutputSequence(this.target(shown), 0, this.displays);
      this.runs.push(shown);
      this.trim();
      this.post({ type: 'run', run: shown });
    });
    run.onDidWrite(({ stream, text }) => outputs?.write(stream, text));
    run.onDidAnswerInput((text) => text !== null && outputs?.write('stdout', `${text}\n`));
    run.onDidDisplay((data) => outputs?.display(data));
    void settledResult(run).then((result) => {
      if (!shown) return;
      if (result.outputFiles?.length || result.outputFilesOmitted) {
        const files = result.outputFiles ?? [];
        const part: ViewPart = {
          kind: 'files',
          id: this.nextId++,
          files: files.map((file) => ({ path: file.path, size: formatSize(file.size) })),
          omitted: result.outputFilesOmitted ?? 0,
        };
        this.outputFiles.set(part.id, { files, document: origin?.documentUri });
        this.add(shown, part);
        // Their Save… buttons are here.
        if (this.settings().revealOutput === 'always') this.reveal();
      }
      shown.footer = footerOf(result, origin);
      shown.failed = result.error !== undefined;
      this.post({ type: 'end', runId: shown.id, footer: shown.footer, failed: shown.failed });
    });
  }

  /** Empties the view. */
  clear(): void {
    this.runs.length = 0;
    this.outputFiles.clear();
    this.displays.clear();
    this.post({ type: 'reset', runs: [] });
  }

  /** What the view holds, without image data and with each listed output file as its result named it: for tests and support. */
  summary(): object[] {
    return this.runs.map((run) => ({
      header: run.header,
      footer: run.footer,
      parts: run.parts.map((part) => {
        if (part.kind === 'image') return { kind: part.kind, mime: part.mime, bytes: (part.base64.length * 3) / 4 };
        if (part.kind === 'files') return { ...part, files: this.outputFiles.get(part.id)?.files ?? [] };
        return part;
      }),
    }));
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = outputViewHtml(view.webview, media);
    view.webview.onDidReceiveMessage((message: FromPage) => this.fromPage(message));
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  dispose(): void {
    this.registration.dispose();
  }

  /** Where a run's outputs go: its parts, in this view. Errors are the footer's, not parts. */
  private target(run: ViewRun): OutputTarget<ViewHandle> {
    return {
      append: (output) => {
        if (output.type === 'stream') return this.write(run, output.name, output.text);
        if (output.type === 'display') return this.display(run, output.data);
        return undefined;
      },
      extend: (handle, name, text) => this.write(run, name, text, handle),
      replace: (handle, data) => handle && this.replace(handle, data),
      clear: () => {
        run.parts.length = 0;
        this.post({ type: 'clear', runId: run.id });
      },
    };
  }

  /** Adds text to the run (to the part `onto`, when the text continues it), within the view's limit. */
  private write(run: ViewRun, stream: StreamName, text: string, onto?: ViewHandle): ViewHandle {
    const used = run.parts.reduce((n, part) => n + (part.kind === 'text' ? part.text.length : 0), 0);
    if (used >= MAX_TEXT_CHARS) return onto;
    if (used + text.length > MAX_TEXT_CHARS) text = `${text.slice(0, MAX_TEXT_CHARS - used)}\n[more text in the output channel]\n`;
    const index = onto ? run.parts.findIndex((part) => part.id === onto.partId) : -1;
    const last = run.parts[index];
    if (last?.kind === 'text') {
      run.parts[index] = { ...last, text: last.text + text };
      this.post({ type: 'append', runId: run.id, partId: last.id, text });
      return onto;
    }
    return this.add(run, { kind: 'text', id: this.nextId++, stream, text });
  }

  private display(run: ViewRun, data: DisplayData): ViewHandle {
    const item = chooseItem(data.items);
    const part = partFor(item, this.nextId++);
    const handle = this.add(run, part);
    this.renderMarkdownOf(run, part.id, item);
    this.trim();
    if (this.settings().revealOutput === 'always') this.reveal();
    return handle;
  }

  /** update_display: the part shows the new data, in whichever run it is. */
  private replace(handle: { readonly runId: number; readonly partId: number }, data: DisplayData): void {
    const run = this.runs.find((r) => r.id === handle.runId);
    const index = run ? run.parts.findIndex((part) => part.id === handle.partId) : -1;
    if (!run || index === -1) return;
    const item = chooseItem(data.items);
    run.parts[index] = partFor(item, handle.partId);
    this.post({ type: 'replace', runId: run.id, part: run.parts[index] });
    this.renderMarkdownOf(run, handle.partId, item);
  }

  /** VS Code's Markdown renderer runs in this process: large documents stay text. */
  private renderMarkdownOf(run: ViewRun, partId: number, item: DisplayItem): void {
    if (item.mime === 'text/markdown' && item.data.length <= MAX_MARKDOWN_CHARS) void this.renderMarkdown(run, partId, item.data);
  }

  private add(run: ViewRun, part: ViewPart): ViewHandle {
    run.parts.push(part);
    this.post({ type: 'part', runId: run.id, part });
    return { runId: run.id, partId: part.id };
  }

  /** Markdown shows as text at once (so order holds) and as HTML once VS Code's Markdown extension rendered it. */
  private async renderMarkdown(run: ViewRun, partId: number, markdown: string): Promise<void> {
    let html: string;
    try {
      html = await vscode.commands.executeCommand<string>('markdown.api.render', markdown);
    } catch {
      return; // no Markdown extension: the text stays
    }
    const index = run.parts.findIndex((p) => p.id === partId);
    if (index === -1 || typeof html !== 'string') return;
    const part: ViewPart = { kind: 'html', id: partId, html };
    run.parts[index] = part;
    this.post({ type: 'replace', runId: run.id, part });
  }

  /** Keeps the newest runs within the limits. */
  private trim(): void {
    const dataChars = (): number => this.runs.reduce((n, run) => n + run.parts.reduce((m, part) => m + partChars(part), 0), 0);
    while (this.runs.length > MAX_RUNS || (this.runs.length > 1 && dataChars() > MAX_DATA_CHARS)) {
      const dropped = this.runs.shift()!;
      for (const part of dropped.parts) this.outputFiles.delete(part.id);
      this.post({ type: 'drop', runId: dropped.id });
    }
  }

  private reveal(): void {
    if (this.view?.visible) return;
    void vscode.commands.executeCommand(`${OUTPUT_VIEW_ID}.focus`, { preserveFocus: true });
  }

  private post(message: ToPage): void {
    void this.view?.webview.postMessage(message);
  }

  private fromPage(message: FromPage): void {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'reset', runs: this.runs });
        return;
      case 'save':
        void this.saveImage(message.partId);
        return;
      case 'output-file': {
        const listed = this.outputFiles.get(message.partId);
        const file = listed?.files[message.index];
        if (file && (message.action === 'save' || message.action === 'open')) this.onOutputFile(message.action, file, listed.document);
        return;
      }
      case 'copy-failed':
        void vscode.window.showWarningMessage(`Python Sandbox: the image could not be copied (${String(message.reason).slice(0, 200)})`);
        return;
    }
  }

  /** Asks where to save an image the view shows and writes its bytes there. */
  private async saveImage(partId: number): Promise<void> {
    const part = this.runs.flatMap((run) => run.parts).find((p) => p.id === partId);
    if (part?.kind !== 'image') return;
    const extension = IMAGE_EXTENSIONS[part.mime] ?? 'img';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `python-sandbox-${partId}.${extension}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { [part.mime]: [extension] },
      title: 'Save Image',
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, Buffer.from(part.base64, 'base64'));
    vscode.window.setStatusBarMessage(`Python Sandbox: image saved to ${vscode.workspace.asRelativePath(target)}`, 4000);
  }
}
