// The one way the webview builds DOM. Data reaches the page only as text nodes and attribute values, so a
// column called `<img onerror=…>` stays a string. There is deliberately no innerHTML path here.

import { messageParts } from '../../src/protocol/profileFormat.js';

export type Child = Node | string | number | null | undefined | false;

export interface ElementOptions {
  class?: string;
  /** Set with setAttribute; event-handler attributes are refused (use `on`). */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

export function setAttrs(node: Element, attrs: NonNullable<ElementOptions['attrs']>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (/^on/i.test(name)) throw new Error(`refusing event-handler attribute ${name}`);
    if (value === null || value === undefined || value === false) node.removeAttribute(name);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function el(tag: string, options: ElementOptions | null, ...children: Child[]): HTMLElement;
export function el(tag: string, options: ElementOptions | null, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  if (options?.class) node.className = options.class;
  if (options?.attrs) setAttrs(node, options.attrs);
  if (options?.on) {
    for (const [type, handler] of Object.entries(options.on)) node.addEventListener(type, handler as EventListener);
  }
  append(node, children);
  return node;
}

/** A warning message with its backtick-quoted names as <code>; every part is inserted as text. */
export function messageText(message: string): HTMLElement {
  return el('span', { class: 'warning-message' }, ...messageParts(message).map((p) => (p.code ? el('code', null, p.text) : p.text)));
}

/** A codicon glyph from the codicon font; decorative unless given a label. */
export function icon(name: string, label?: string): HTMLElement {
  const attrs: Record<string, string> = label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': 'true' };
  return el('span', { class: `codicon codicon-${name}`, attrs });
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
