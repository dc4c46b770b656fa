// Errors meant for the user: a stable code for programs and tests, a one-line message for people.
// Anything else that escapes a job is a bug and is reported as such, never shown as a stack trace.

export type UserErrorCode =
  | 'NOT_FOUND'
  | 'NOT_A_FILE'
  | 'EMPTY_FILE'
  | 'NO_DATA_ROWS'
  | 'BINARY_FILE'
  | 'UNBALANCED_QUOTE'
  | 'FILE_CHANGED'
  | 'CANCELLED'
  | 'UNREADABLE'
  | 'BAD_ARGUMENT'
  // Cleaning: a Recipe that cannot be read, a step naming a column the data lacks, an unknown value under
  // an 'error' policy, an output that exists without --force.
  | 'BAD_RECIPE'
  | 'MISSING_COLUMN'
  | 'UNKNOWN_VALUE'
  | 'OUTPUT_EXISTS'
  // No space left (ENOSPC) or quota exceeded (EDQUOT) while writing.
  | 'DISK_FULL'
  // AutoML: a target column that is missing, has one class or cannot serve the asked task; too few rows
  // (or rows of a class) for the asked split; no column left to learn from.
  | 'BAD_TARGET'
  | 'TOO_FEW_ROWS'
  | 'NO_FEATURES'
  // Sweeps: an experiment another live process is writing; a sweep in which no trial finished.
  | 'EXPERIMENT_LOCKED'
  | 'NO_TRIAL_FINISHED';

/**
 * A write the disk refused for lack of space or quota: the user can fix it, so it gets a UserError.
 * A real ENOSPC from write(2) carries no path (only open-like calls set one), and the one it may carry is a
 * temp file's: the writer passes `file`, the file the user knows.
 */
export function diskFullError(e: unknown, file?: string): UserError | null {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return null;
  const own = (e as { path?: unknown }).path;
  const path = file ?? (typeof own === 'string' ? own : undefined);
  const where = typeof path === 'string' ? ` writing ${path}` : '';
  return new UserError('DISK_FULL', `The disk is full${where}. Nothing was left half-written; free some space and try again (an interrupted sweep can be resumed).`);
}

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    readonly code: UserErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'UserError' && typeof (e as { code?: unknown }).code === 'string');
}

export function cancelled(): UserError {
  return new UserError('CANCELLED', 'Cancelled.');
}
