import { init, parse } from "@guanmingchiu/sqlparser-ts";
import { SparkSQL, TrinoSQL } from "dt-sql-parser";
import { Parser } from "node-sql-parser";

/**
 * The SQL grammars the printed queries are checked against, per engine. No engine runs here (only DuckDB and SQLite
 * do, in other suites), so a pass means "this engine's grammar, as these parsers know it, accepts the text" — not
 * that the engine was run:
 * - node-sql-parser: BigQuery, Snowflake, Hive (for Spark SQL), SQLite.
 * - dt-sql-parser: ANTLR grammars derived from Trino's and Spark's own (SqlBase.g4), the closest to the engines.
 * - sqlparser-ts (Apache DataFusion's sqlparser-rs as WebAssembly): its ClickHouse, Snowflake, BigQuery and DuckDB
 *   dialects. Its ClickHouse dialect is the only ClickHouse-aware parser on npm, and it is permissive (it accepts
 *   some other engines' syntax too), so ClickHouse's text also gets assertions on its engine-specific constructs.
 */
export type Engine = "duckdb" | "sqlite" | "bigquery" | "trino" | "spark" | "snowflake" | "clickhouse";

type Check = { grammar: string; errors(sql: string): string[] };

const nodeSqlParser = new Parser();
function viaNodeSqlParser(database: string): Check {
  return {
    grammar: `node-sql-parser ${database}`,
    errors(sql) {
      try {
        nodeSqlParser.astify(sql, { database });
        return [];
      } catch (error) {
        return [(error as Error).message.slice(0, 300)];
      }
    },
  };
}

let sqlparserReady: Promise<void> | undefined;
function viaSqlparserRs(dialect: string): Check {
  return {
    grammar: `sqlparser-rs ${dialect}`,
    errors(sql) {
      try {
        parse(sql, dialect as Parameters<typeof parse>[1]);
        return [];
      } catch (error) {
        return [String(error).slice(0, 300)];
      }
    },
  };
}

function viaAntlr(
  name: string,
  parser: { validate(sql: string): { startLine: number; message: string }[] },
): Check {
  return {
    grammar: `dt-sql-parser ${name}`,
    errors: (sql) => parser.validate(sql).map((error) => `line ${error.startLine}: ${error.message}`),
  };
}

const CHECKS: Record<Engine, Check[]> = {
  duckdb: [viaSqlparserRs("duckdb")],
  sqlite: [viaNodeSqlParser("sqlite")],
  bigquery: [viaNodeSqlParser("bigquery"), viaSqlparserRs("bigquery")],
  trino: [viaAntlr("Trino", new TrinoSQL())],
  spark: [viaAntlr("Spark", new SparkSQL()), viaNodeSqlParser("hive")],
  snowflake: [viaNodeSqlParser("snowflake"), viaSqlparserRs("snowflake")],
  clickhouse: [viaSqlparserRs("clickhouse")],
};

export function grammarsOf(engine: Engine): string[] {
  return CHECKS[engine].map((check) => check.grammar);
}

/**
 * Every grammar's complaint about `sql` for this engine, each prefixed with the grammar's name; [] when all accept.
 * `skipping` names grammars known to lack a construct the text uses (the caller shows that they do).
 */
export async function syntaxErrors(engine: Engine, sql: string, skipping: string[] = []): Promise<string[]> {
  sqlparserReady ??= init();
  await sqlparserReady;
  return CHECKS[engine]
    .filter((check) => !skipping.includes(check.grammar))
    .flatMap((check) => check.errors(sql).map((error) => `${check.grammar}: ${error}`));
}

/**
 * The erasure statements (`stylist forget --sql`) are DML and maintenance commands, which the grammars know less
 * well than queries: Spark's are checked with sqlparser-rs's Databricks (Spark SQL) dialect, the only one here with
 * Iceberg's CALL and a catalog.schema.table DELETE; Trino's with Trino's own grammar; ClickHouse's `ALTER TABLE …
 * DELETE` mutation is known to none (the test asserts its text against ClickHouse's documented form instead).
 */
const ERASURE_CHECKS: Record<Exclude<Engine, "duckdb" | "sqlite">, Check[]> = {
  spark: [viaSqlparserRs("databricks")],
  trino: [viaAntlr("Trino", new TrinoSQL())],
  snowflake: [viaSqlparserRs("snowflake")],
  bigquery: [viaSqlparserRs("bigquery")],
  clickhouse: [viaSqlparserRs("clickhouse")],
};

export async function erasureSyntaxErrors(
  engine: keyof typeof ERASURE_CHECKS,
  sql: string,
): Promise<string[]> {
  sqlparserReady ??= init();
  await sqlparserReady;
  return ERASURE_CHECKS[engine].flatMap((check) =>
    check.errors(sql).map((error) => `${check.grammar}: ${error}`),
  );
}

/** One grammar alone, for tests that show what a particular parser refuses. */
export async function nodeSqlParserErrors(database: string, sql: string): Promise<string[]> {
  return viaNodeSqlParser(database).errors(sql);
}
