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
  // AutoML: a target column that is missing, has one class or cannot serve the asked task; too few rows
  // (or rows of a class) for the asked split; no column left to learn from.
  | 'BAD_TARGET'
  | 'TOO_FEW_ROWS'
  | 'NO_FEATURES'
  // Sweeps: an experiment another live process is writing; a sweep in which no trial finished.
  | 'EXPERIMENT_LOCKED'
  | 'NO_TRIAL_FINISHED';

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
