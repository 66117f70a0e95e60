/** The slice of an archive reader the build needs: SQL over a DuckDB connection that has the `archive` view. */
export interface SqlSession {
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
}

/** A number inlined into SQL: only finite numbers, so no text ever reaches a statement this way. */
export function n(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}
