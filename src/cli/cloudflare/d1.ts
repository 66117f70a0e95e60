import type { Account } from "./client.ts";

/** One statement on a D1 database over the API; the rows of its (only) result. */
export async function queryD1<Row = Record<string, unknown>>(
  account: Account,
  databaseId: string,
  sql: string,
  params: string[] = [],
): Promise<Row[]> {
  const page = await account.client.d1.database.query(databaseId, {
    account_id: account.accountId,
    sql,
    ...(params.length > 0 ? { params } : {}),
  });
  const first = page.result[0];
  if (!first || first.success === false || !Array.isArray(first.results)) {
    throw new Error(`D1 returned no result set for: ${sql.slice(0, 60)}`);
  }
  return first.results as Row[];
}
