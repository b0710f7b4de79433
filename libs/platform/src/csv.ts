import { stringify } from 'csv-stringify/sync';

/** Nested objects become dotted columns (`byCategory.KEJAHATAN`); lists become JSON in one cell. */
function flatten(row: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flatten(value as Record<string, unknown>, name));
    else out[name] = Array.isArray(value) ? JSON.stringify(value) : value;
  }
  return out;
}

/** RFC 4180 CSV (csv-stringify): CRLF rows, quoted where a cell would break its row, and what a spreadsheet would run as a formula defused. */
export const csvOf = (rows: unknown[][]): string =>
  stringify(rows, { record_delimiter: 'windows', quote_record_delimiter: true, escape_formulas: true, cast: { boolean: String } });

/** Objects as CSV, with a header of every column any row has, in first-seen order. */
export function toCsv(rows: Record<string, unknown>[]): string {
  const flat = rows.map((r) => flatten(r));
  const columns = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  return csvOf([columns, ...flat.map((r) => columns.map((c) => r[c]))]);
}
