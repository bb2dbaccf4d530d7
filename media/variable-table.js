// The page of a variable's table (src/presenters/variable-table.ts sends a TablePage). Every text
// came from the sandbox: it goes in as text nodes, never as markup. A click on a column's
// heading sorts by it, ascending, then descending, then back to the order the value has.
// @ts-check
(function () {
  // @ts-expect-error: provided by VS Code's webview host
  const vscode = acquireVsCodeApi();
  const size = /** @type {HTMLElement} */ (document.getElementById('size'));
  const head = /** @type {HTMLElement} */ (document.querySelector('#table thead'));
  const body = /** @type {HTMLElement} */ (document.querySelector('#table tbody'));
  /** @type {{title: string, size: string, columns: string[], rows: string[][]} | undefined} */
  let page;
  /** @type {{column: number, descending: boolean} | undefined} */
  let order;

  const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$|^[-+]?(inf|nan)$/i;

  /** @param {number} column */
  function numeric(column) {
    return page !== undefined && page.rows.every((row) => row[column] === '' || NUMBER.test(row[column]));
  }

  /** @param {string} text */
  function asNumber(text) {
    const value = Number(text.replace(/^([-+]?)inf$/i, '$1Infinity'));
    return Number.isNaN(value) ? Infinity : value;
  }

  function sortedRows() {
    if (!page) return [];
    const indexed = page.rows.map((row, index) => ({ row, index }));
    if (!order) return indexed;
    const { column, descending } = order;
    const byNumber = numeric(column);
    const sign = descending ? -1 : 1;
    return indexed.sort((a, b) => {
      const x = a.row[column];
      const y = b.row[column];
      // Empty cells last, whichever way.
      if (x === '' || y === '') return x === y ? a.index - b.index : x === '' ? 1 : -1;
      const compared = byNumber ? asNumber(x) - asNumber(y) : x.localeCompare(y);
      return compared === 0 || Number.isNaN(compared) ? a.index - b.index : sign * compared;
    });
  }

  function render() {
    if (!page) return;
    size.textContent = `${page.title}: ${page.size}`;
    const headings = document.createElement('tr');
    page.columns.forEach((name, column) => {
      const cell = document.createElement('th');
      const button = document.createElement('button');
      const arrow = order && order.column === column ? (order.descending ? ' ▼' : ' ▲') : '';
      button.textContent = `${name}${arrow}`;
      button.title = `Sort by ${name}`;
      button.addEventListener('click', () => {
        order =
          !order || order.column !== column ? { column, descending: false } : order.descending ? undefined : { column, descending: true };
        render();
      });
      cell.append(button);
      if (numeric(column)) cell.classList.add('number');
      headings.append(cell);
    });
    head.replaceChildren(headings);
    const rows = sortedRows().map(({ row }) => {
      const line = document.createElement('tr');
      row.forEach((text, column) => {
        const cell = document.createElement('td');
        cell.textContent = text;
        if (numeric(column)) cell.classList.add('number');
        line.append(cell);
      });
      return line;
    });
    body.replaceChildren(...rows);
  }

  window.addEventListener('message', (event) => {
    if (!event.data) return;
    page = event.data;
    order = undefined;
    render();
  });
  vscode.postMessage({ type: 'ready' });
})();
