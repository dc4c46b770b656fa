// Every string in a profile came from somebody's CSV: a header can be `<img onerror=…>`. These are the
// only ways data reaches report text.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * Safe inline Markdown, including inside a table cell: HTML-significant characters become entities (so no
 * raw HTML renders), inline markup and the cell separator are backslash-escaped, and line breaks become
 * spaces so a value cannot start a new block or table row.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[&<>]/g, (c) => HTML_ESCAPES[c] ?? c)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, ' ');
}
