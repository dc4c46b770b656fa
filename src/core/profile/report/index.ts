// Report export, shared by the Data Quality panel and the CLI's `--out report.html|report.md`.
export { renderProfileHtml } from './html.js';
export { renderProfileMarkdown } from './markdown.js';
export { escapeHtml, escapeMarkdown } from './escape.js';
