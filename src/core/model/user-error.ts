/**
 * An error the user can fix (bad input, bad option, missing file): printed as a message with what to do
 * next and exit code 2, never as a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** A failure of something outside netpol-audit (cluster, store, SMTP, browser): exit code 3. */
export class EnvironmentError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, hint, 3);
    this.name = 'EnvironmentError';
  }
}
