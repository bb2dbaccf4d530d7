import * as vscode from 'vscode';

/**
 * The output view's page. Its Content-Security-Policy lets only its own script run (by nonce),
 * loads styles and scripts from the extension's media folder alone, and images from `data:`
 * URLs; outputs' HTML is shown in iframes that inherit this policy and are sandboxed without
 * scripts, forms or popups, and no frame may load anything from elsewhere.
 */
export function outputViewHtml(webview: vscode.Webview, media: vscode.Uri): string {
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
<link rel="stylesheet" href="${asset('output-view.css')}">
<title>Python Sandbox</title>
</head>
<body>
<div id="runs"><p class="empty">Runs of Python from the editor show here, with their images, tables and Markdown.</p></div>
<script nonce="${nonce}" src="${asset('output-view.js')}"></script>
</body>
</html>`;
}
