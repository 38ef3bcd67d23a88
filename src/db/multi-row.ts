/**
 * Multi-row inserts within both dialects' limits on bound parameters: SQLite allows 32,766 in one statement,
 * PostgreSQL 65,535; the lower one holds on both. Rows are capped too, so one statement stays a size that
 * both planners handle quickly.
 */
export const MAX_BOUND_PARAMETERS = 32_766
const MAX_ROWS = 1000

/** The rows in slices that each fit one statement, for rows of `columns` values each. */
export function* insertSlices<T>(rows: readonly T[], columns: number): Generator<T[]> {
  const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_BOUND_PARAMETERS / Math.max(1, columns))))
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size)
}
