// The page of the "Python Sandbox" output view. It renders what the extension sends (the shapes
// are in src/presenters/output-view-model.ts) and runs no script from outputs: HTML goes into
// iframes sandboxed without scripts, which also inherit this page's Content-Security-Policy.
// @ts-check
(function () {
  // @ts-expect-error: provided by VS Code's webview host
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('runs'));
  const emptyNote = root.querySelector('.empty');
  /** @type {Map<number, {element: HTMLElement, body: HTMLElement, footer: HTMLElement}>} */
  const runs = new Map();
  /** @type {Map<number, HTMLElement>} */
  const parts = new Map();

  /** @param {string} tag @param {string} className @param {string} [text] */
  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** The page's text colours and font, so that outputs' HTML reads like the rest of VS Code. */
  function frameStyle() {
    const style = getComputedStyle(document.body);
    return `body{margin:0;color:${style.color};font-family:${style.fontFamily};font-size:${style.fontSize};}
table{border-collapse:collapse;}th,td{padding:2px 8px;border-bottom:1px solid rgba(128,128,128,.35);text-align:right;}
th{font-weight:600;}img{max-width:100%;}a{color:inherit;}`;
  }

  /** @param {HTMLIFrameElement} frame */
  function fitFrame(frame) {
    const doc = frame.contentDocument;
    if (doc) frame.style.height = `${doc.documentElement.scrollHeight}px`;
  }

  /** HTML without running it: no scripts, forms or popups; links cannot leave (target _blank needs popups). */
  /** @param {string} html */
  function htmlFrame(html) {
    const frame = /** @type {HTMLIFrameElement} */ (element('iframe', 'html'));
    frame.setAttribute('sandbox', 'allow-same-origin');
    frame.addEventListener('load', () => fitFrame(frame));
    frame.srcdoc = `<!DOCTYPE html><html><head><base target="_blank"><style>${frameStyle()}</style></head><body>${html}</body></html>`;
    return frame;
  }

  /** @param {HTMLImageElement} image */
  async function copyImage(image) {
    try {
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      canvas.getContext('2d')?.drawImage(image, 0, 0);
      const blob = await new Promise((resolve, reject) =>
        canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the image has no pixels'))), 'image/png'),
      );
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
    } catch (error) {
      vscode.postMessage({ type: 'copy-failed', reason: error instanceof Error ? error.message : String(error) });
    }
  }

  /** @param {{id: number, mime: string, base64: string}} part */
  function imageFigure(part) {
    const figure = element('figure', 'image');
    const image = /** @type {HTMLImageElement} */ (element('img', ''));
    image.alt = `${part.mime} output`;
    image.src = `data:${part.mime};base64,${part.base64}`;
    const actions = element('div', 'actions');
    const copy = element('button', 'copy', 'Copy');
    copy.title = 'Copy the image';
    copy.addEventListener('click', () => void copyImage(image));
    const save = element('button', 'save', 'Save…');
    save.title = 'Save the image to a file';
    save.addEventListener('click', () => vscode.postMessage({ type: 'save', partId: part.id }));
    actions.append(copy, save);
    figure.append(image, actions);
    return figure;
  }

  /** The files a run wrote under output/: nothing of them is on the disk until Save… is clicked. */
  /** @param {{id: number, files: Array<{path: string, size: string}>, omitted: number}} part */
  function filesList(part) {
    const list = element('div', 'files');
    list.append(element('div', 'files-title', 'Written under output/ (in the sandbox only, until saved):'));
    part.files.forEach((file, index) => {
      const row = element('div', 'file');
      const save = element('button', 'save', 'Save…');
      save.title = `Save ${file.path} to a file`;
      save.addEventListener('click', () => vscode.postMessage({ type: 'output-file', action: 'save', partId: part.id, index }));
      const open = element('button', 'open', 'Open');
      open.title = `Open ${file.path} read-only, without saving it`;
      open.addEventListener('click', () => vscode.postMessage({ type: 'output-file', action: 'open', partId: part.id, index }));
      row.append(element('span', 'path', file.path), element('span', 'size', file.size), save, open);
      list.append(row);
    });
    if (part.omitted > 0)
      list.append(element('div', 'files-title', `${part.omitted} more not listed (too many, or named so that they cannot be saved)`));
    return list;
  }

  /** @param {any} part */
  function renderPart(part) {
    switch (part.kind) {
      case 'text':
        return element('pre', `text ${part.stream}`, part.text);
      case 'image':
        return imageFigure(part);
      case 'html':
        return htmlFrame(part.html);
      case 'files':
        return filesList(part);
      default:
        return element('pre', 'value', part.text);
    }
  }

  /** @param {number} runId @param {any} part */
  function addPart(runId, part) {
    const run = runs.get(runId);
    if (!run) return;
    const node = renderPart(part);
    node.dataset.part = String(part.id);
    parts.set(part.id, node);
    run.body.append(node);
  }

  /** @param {any} run */
  function addRun(run) {
    const container = element('section', 'run');
    const body = element('div', 'body');
    const footer = element('div', 'footer');
    container.append(element('div', 'header', run.header), body, footer);
    runs.set(run.id, { element: container, body, footer });
    root.append(container);
    for (const part of run.parts) addPart(run.id, part);
    if (run.footer !== undefined) end(run.id, run.footer, run.failed);
  }

  /** @param {number} runId @param {string} footer @param {boolean} failed */
  function end(runId, footer, failed) {
    const run = runs.get(runId);
    if (!run) return;
    run.footer.textContent = footer;
    run.footer.classList.toggle('failed', failed);
  }

  /** @param {number} runId */
  function clear(runId) {
    const run = runs.get(runId);
    if (!run) return;
    for (const node of run.body.querySelectorAll('[data-part]')) parts.delete(Number(/** @type {HTMLElement} */ (node).dataset.part));
    run.body.replaceChildren();
  }

  /** @param {number} runId */
  function drop(runId) {
    const run = runs.get(runId);
    if (!run) return;
    for (const node of run.element.querySelectorAll('[data-part]')) parts.delete(Number(/** @type {HTMLElement} */ (node).dataset.part));
    run.element.remove();
    runs.delete(runId);
  }

  /** @param {any} message */
  function handle(message) {
    switch (message.type) {
      case 'reset':
        for (const id of [...runs.keys()]) drop(id);
        for (const run of message.runs) addRun(run);
        break;
      case 'run':
        addRun(message.run);
        break;
      case 'part':
        addPart(message.runId, message.part);
        break;
      case 'append': {
        const node = parts.get(message.partId);
        if (node) node.textContent += message.text;
        break;
      }
      case 'replace': {
        const old = parts.get(message.part.id);
        const node = renderPart(message.part);
        node.dataset.part = String(message.part.id);
        parts.set(message.part.id, node);
        old?.replaceWith(node);
        break;
      }
      case 'end':
        end(message.runId, message.footer, message.failed);
        break;
      case 'clear':
        clear(message.runId);
        break;
      case 'drop':
        drop(message.runId);
        break;
    }
    emptyNote?.toggleAttribute('hidden', runs.size > 0);
  }

  window.addEventListener('message', (event) => {
    const scroller = document.scrollingElement ?? document.documentElement;
    // Newest at the bottom: follow it, unless the reader scrolled up.
    const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
    handle(event.data);
    if (atBottom) scroller.scrollTop = scroller.scrollHeight;
  });
  vscode.postMessage({ type: 'ready' });
})();
