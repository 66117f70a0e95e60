/** One thing `stylist doctor` checked: what it found and, when something is wrong, the fix to apply. */
type Status = "ok" | "warn" | "fail" | "skip";

export interface Finding {
  /** A stable name, for --json and tests: "binding:RULES", "migrations", "secret:VISITOR_SECRET"… */
  check: string;
  status: Status;
  message: string;
  fix?: string;
}

export const ok = (check: string, message: string): Finding => ({ check, status: "ok", message });
export const skip = (check: string, message: string): Finding => ({ check, status: "skip", message });
export const warn = (check: string, message: string, fix?: string): Finding => ({
  check,
  status: "warn",
  message,
  ...(fix ? { fix } : {}),
});
export const fail = (check: string, message: string, fix: string): Finding => ({
  check,
  status: "fail",
  message,
  fix,
});
