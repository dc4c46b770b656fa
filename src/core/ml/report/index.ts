export { renderExperimentHtml } from './html.js';
export { renderExperimentMarkdown } from './markdown.js';
