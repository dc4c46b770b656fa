// The webview's side of postMessage, typed by the panel protocol. acquireVsCodeApi may be called only once.
import type { WebviewMessage, WebviewState } from '../../src/protocol/dataQualityPanel.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostConnection {
  post(message: WebviewMessage): void;
  savedState(): unknown;
  saveState(state: WebviewState): void;
}

export function connectToHost(): HostConnection {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    savedState: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}
