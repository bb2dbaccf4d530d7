import * as vscode from 'vscode';

/** What a page of the extension's holds: its title, its files in the media folder, its first markup (ours alone). */
export interface WebviewPage {
  readonly title: string;
  readonly stylesheet: string;
  readonly script: string;
  readonly body: string;
}

/**
 * A page of the extension's (the output view, a variable's table). Its Content-Security-Policy
 * lets only its own script run (by nonce), loads styles and scripts from the extension's media
 * folder alone, and images from `data:` URLs; no frame may load anything from elsewhere.
 */
export function webviewHtml(webview: vscode.Webview, media: vscode.Uri, page: WebviewPage): string {
  // WebCrypto, which Node and the web worker extension host both have; hex keeps it a plain CSP token.
  const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    // Outputs' HTML (pandas tables) carries <style> blocks; styles cannot run code.
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "frame-src 'none'",
  ].join('; ');
  const asset = (name: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(media, name));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset(page.stylesheet)}">
<title>${page.title}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${asset(page.script)}"></script>
</body>
</html>`;
}

/** The output view's page: outputs' HTML is shown in iframes that inherit its policy and are sandboxed without scripts, forms or popups. */
export function outputViewHtml(webview: vscode.Webview, media: vscode.Uri): string {
  return webviewHtml(webview, media, {
    title: 'Python Sandbox',
    stylesheet: 'output-view.css',
    script: 'output-view.js',
    body: '<div id="runs"><p class="empty">Runs of Python from the editor show here, with their images, tables and Markdown.</p></div>',
  });
}
