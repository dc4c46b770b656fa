// Colours come from VS Code's theme variables only. Canvas and chart.js cannot read CSS variables, so we
// resolve them here and again whenever VS Code swaps the theme (it changes the body class).

export interface ThemeColors {
  foreground: string;
  dim: string;
  grid: string;
  bar: string;
  barSelected: string;
  focus: string;
  background: string;
  font: string;
  highContrast: boolean;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function readTheme(): ThemeColors {
  const style = getComputedStyle(document.body);
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const foreground = cssVar(style, '--vscode-foreground', '#cccccc');
  return {
    foreground,
    dim: cssVar(style, '--vscode-descriptionForeground', foreground),
    grid: highContrast ? cssVar(style, '--vscode-contrastBorder', foreground) : cssVar(style, '--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)'),
    bar: cssVar(style, '--vscode-charts-blue', '#3794ff'),
    barSelected: cssVar(style, '--vscode-charts-orange', '#d18616'),
    focus: cssVar(style, '--vscode-focusBorder', '#007fd4'),
    background: cssVar(style, '--vscode-editor-background', '#1e1e1e'),
    font: `${cssVar(style, '--vscode-font-size', '13px')} ${cssVar(style, '--vscode-font-family', 'system-ui, sans-serif')}`,
    highContrast,
  };
}

/** Calls back after VS Code changes theme; returns a function that stops watching. */
export function onThemeChange(callback: () => void): () => void {
  const observer = new MutationObserver(() => callback());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'style'] });
  return () => observer.disconnect();
}
