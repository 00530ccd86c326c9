import {
  type ColumnDefinitionNode,
  type CreateTableNode,
  DataTypeNode,
  DummyDriver,
  Kysely,
  type OperationNode,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  RawNode,
} from "kysely";
import { WITHOUT_ROWID } from "../../projections/table-options.js";

const sqlOf = (node: OperationNode): string | undefined =>
  RawNode.is(node) && node.parameters.length === 0 ? node.sqlFragments.join("").trim().toLowerCase() : undefined;

/** A column type as written, lower case: `integer` from the builder's "integer" or from sql`INTEGER`. */
function typeName(node: OperationNode): string | undefined {
  return DataTypeNode.is(node) ? node.dataType : sqlOf(node);
}

const SQLITE_ONLY_TABLE_OPTIONS = new Set([sqlOf(WITHOUT_ROWID.toOperationNode())]);
const BIGINT = DataTypeNode.create("bigint");
const BYTEWISE = RawNode.createWithSql('collate "C"');

/**
 * PostgreSQL's compiler for the projection definitions, which are written once for every
 * dialect. Where the two engines differ in what the same DDL means, this side gives PostgreSQL
 * the SQLite meaning, so a read model holds and orders the same values on both:
 * - `integer` is 64-bit in SQLite and 32-bit here: integer columns are declared `bigint`
 *   (positions pass 2^31 on a busy log; counts, durations and seqs come from events unbounded).
 * - text compares byte by byte in SQLite (BINARY); here it follows the database's locale unless
 *   told otherwise: text columns take `collate "C"`, so ORDER BY and range reads agree.
 * - SQLite storage options (`without rowid`) have no PostgreSQL counterpart and are left out.
 */
class ProjectionQueryCompiler extends PostgresQueryCompiler {
  protected override visitCreateTable(node: CreateTableNode): void {
    const endModifiers = node.endModifiers?.filter((m) => !SQLITE_ONLY_TABLE_OPTIONS.has(sqlOf(m)));
    super.visitCreateTable({ ...node, endModifiers });
  }

  protected override visitColumnDefinition(node: ColumnDefinitionNode): void {
    const type = typeName(node.dataType);
    if (type === "integer" || type === "int") super.visitColumnDefinition({ ...node, dataType: BIGINT });
    else if (type === "text")
      super.visitColumnDefinition({ ...node, frontModifiers: [BYTEWISE, ...(node.frontModifiers ?? [])] });
    else super.visitColumnDefinition(node);
  }
}

/**
 * A Kysely that only builds PostgreSQL queries (`$1` parameters): the projection store compiles
 * the definitions' DDL and statements with it and runs them on whatever `pg` client holds the
 * transaction (its own, or the one an append lends).
 */
export function postgresProjectionQueryBuilder<DB>(): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new ProjectionQueryCompiler(),
    },
  });
}
