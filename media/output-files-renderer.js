// The notebook renderer of the files a cell wrote under output/ (the MIME type
// application/vnd.python-sandbox.output-files+json): a list with Save… and Open buttons, whose
// clicks go to the extension, which asks where to save. Names are set as text, never as HTML.
// @ts-check

/** @param {string} tag @param {string} text */
function element(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

const STYLE = `
.python-sandbox-files .title { color: var(--vscode-descriptionForeground); margin-bottom: 2px; }
.python-sandbox-files .file { display: flex; align-items: center; gap: 8px; margin-top: 3px; font-family: var(--vscode-editor-font-family); }
.python-sandbox-files .size { color: var(--vscode-descriptionForeground); }
.python-sandbox-files button { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: none; padding: 2px 8px; cursor: pointer; }
.python-sandbox-files button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.python-sandbox-files button:disabled { opacity: 0.5; cursor: default; }`;

/** @param {number} bytes */
function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GB`;
}

/** @param {any} context */
export function activate(context) {
  return {
    /** @param {any} item @param {HTMLElement} element */
    renderOutputItem(item, element_) {
      const data = item.json();
      const files = Array.isArray(data?.files) ? data.files : [];
      const root = document.createElement('div');
      root.className = 'python-sandbox-files';
      const style = document.createElement('style');
      style.textContent = STYLE;
      const title = element('div', 'Written under output/ (in the sandbox only, until saved):');
      title.className = 'title';
      root.append(style, title);
      for (const file of files) {
        if (typeof file?.path !== 'string' || typeof file?.size !== 'number') continue;
        const row = document.createElement('div');
        row.className = 'file';
        const size = element('span', formatSize(file.size));
        size.className = 'size';
        row.append(element('span', file.path), size);
        for (const [action, label] of [
          ['save', 'Save…'],
          ['open', 'Open'],
        ]) {
          const button = /** @type {HTMLButtonElement} */ (element('button', label));
          button.className = action;
          if (context.postMessage) button.addEventListener('click', () => context.postMessage({ action, file }));
          else {
            button.disabled = true;
            button.title = 'needs the Python Sandbox extension';
          }
          row.append(button);
        }
        root.append(row);
      }
      if (typeof data?.omitted === 'number' && data.omitted > 0) root.append(element('div', `${data.omitted} more not listed`));
      element_.replaceChildren(root);
    },
  };
}
