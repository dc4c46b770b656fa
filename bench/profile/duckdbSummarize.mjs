// The peer side of the benchmark, run as its own process by run.mjs:
// DuckDB's SUMMARIZE over the whole CSV, printed as JSON rows.
// Usage: node bench/profile/duckdbSummarize.mjs FILE [nullToken ...]
import { DuckDBInstance } from '@duckdb/node-api';

const [file, ...nulls] = process.argv.slice(2);
if (!file) {
  console.error('usage: duckdbSummarize.mjs FILE [nullToken ...]');
  process.exit(2);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
// The same missing tokens ML Lab uses, so both tools count the same cells as missing.
const nullOpt = nulls.length ? `, nullstr=[${nulls.map(quote).join(', ')}]` : '';
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const reader = await connection.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv(${quote(file)}${nullOpt})`);
process.stdout.write(JSON.stringify(reader.getRowObjectsJson()) + '\n');
