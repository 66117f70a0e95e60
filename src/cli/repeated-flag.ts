/**
 * Every value of a repeatable string flag (`--cookie a=1 --cookie b=2`, or `--cookie=a=1`). citty keeps only the
 * last occurrence of a string flag, so the repeats are read from the command's own raw arguments.
 */
export function repeatedFlag(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  const flag = `--${name}`;
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") break;
    if (arg === flag && i + 1 < rawArgs.length) values.push(rawArgs[++i] as string);
    else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
  }
  return values;
}
