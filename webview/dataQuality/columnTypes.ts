// How each column type and warning severity is shown: a codicon and a word.
import type { ColumnType, WarningSeverity } from '../../src/protocol/profile.js';

export const TYPE_ICON: Record<ColumnType, string> = {
  numeric: 'symbol-number',
  categorical: 'symbol-enum',
  boolean: 'symbol-boolean',
  datetime: 'calendar',
  text: 'symbol-string',
};

export const TYPE_LABEL: Record<ColumnType, string> = {
  numeric: 'Numeric',
  categorical: 'Categorical',
  boolean: 'Boolean',
  datetime: 'Date/time',
  text: 'Text',
};

export const SEVERITY_ICON: Record<WarningSeverity, string> = { error: 'error', warning: 'warning', info: 'info' };
export const SEVERITY_LABEL: Record<WarningSeverity, string> = { error: 'Error', warning: 'Warning', info: 'Info' };
export const SEVERITY_ORDER: Record<WarningSeverity, number> = { error: 0, warning: 1, info: 2 };
