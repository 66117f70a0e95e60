/** The one error a command throws on purpose: its message is shown as-is and the process exits with `code`. */
export class CLIError extends Error {
  override name = "CLIError";
  readonly code: number;
  constructor(message: string, code = 1) {
    super(message);
    this.code = code;
  }
}

/**
 * Exit codes: 0 = done; 1 = the command ran and failed (nothing pushed yet, a refused rollback, an API error);
 * 2 = usage or input error, nothing was done (unknown command, missing or malformed argument, invalid rules);
 * 3 = the backend or origin could not be reached.
 */
export const EXIT = { failed: 1, invalid: 2, unreachable: 3 } as const;
