/** The one error a command throws on purpose: its message is shown as-is and the process exits with `code`. */
export class CLIError extends Error {
  override name = "CLIError";
  readonly code: number;
  constructor(message: string, code = 1) {
    super(message);
    this.code = code;
  }
}

/** Exit codes: 1 = the command failed; 2 = bad input (invalid rules, bad flags); 3 = the backend could not be reached. */
export const EXIT = { failed: 1, invalid: 2, unreachable: 3 } as const;
