// The page shell every ML Lab webview shares: a strict CSP with a fresh nonce, the codicon font and the
// panel's stylesheet from media/, and its bundle from dist/webview/. Resources are limited to dist/ and media/.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  /** The bundle in dist/webview/, e.g. 'sweep.js'. */
  script: string;
  /** The stylesheet in media/, e.g. 'sweep.css'. */
  stylesheet: string;
  /** Plain text (escaped here): dataset-derived names may hold markup. */
  title: string;
}

export function webviewPageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    // Lit and vscode-elements style their shadow roots with constructable stylesheets, which CSP does not
    // govern; page styles come from files, so no 'unsafe-inline' is needed.
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  const title = page.title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'codicon', 'codicon.css')}" id="vscode-codicon-stylesheet" nonce="${nonce}">
<link rel="stylesheet" href="${asset('media', page.stylesheet)}" nonce="${nonce}">
<title>${title}</title>
</head>
<body>
<div id="app" aria-busy="true"></div>
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', page.script)}"></script>
</body>
</html>`;
}

export function webviewPanelOptions(extensionUri: vscode.Uri, { findWidget }: { findWidget: boolean }): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: findWidget,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
