// Drives spate's SQL over the Postgres protocol with node-postgres (`pg`), as a Node
// application would: simple queries, parameterized queries (the extended protocol), types,
// and errors with their SQLSTATE and position. Prints one JSON line with what it saw.
//
//   node sql_with_pg.js PORT
'use strict';
const { Client } = require('pg');

async function main() {
  const port = Number(process.argv[2]);
  const client = new Client({ host: '127.0.0.1', port, user: 'spate', database: 'spate' });
  await client.connect();
  const out = {};
  const simple = await client.query("SELECT 1 + 1 AS two, 'x' || 'y' AS s, 1.5 * 2 AS d, TIMESTAMP '2024-01-01 10:00:00.5' AS t, true AS b");
  out.simple = simple.rows[0];
  out.simple_types = simple.fields.map((f) => f.dataTypeID);
  const params = await client.query('SELECT $1::bigint * 2 AS doubled, upper($2) AS up, $3::double precision / 4 AS q', [21, 'spate', 10]);
  out.params = params.rows[0];
  await client.query("CREATE SOURCE pg_events (id BIGINT NOT NULL, name TEXT, ts TIMESTAMP) WITH (topic = 'pg_events')");
  const empty = await client.query('SELECT count(*) AS n FROM pg_events WHERE id > $1', [0]);
  out.empty_count = empty.rows[0].n;
  try {
    await client.query('SELECT nosuch FROM pg_events');
  } catch (e) {
    out.error = { code: e.code, message: e.message, position: e.position, hint: e.hint };
  }
  // The session survives the error.
  const after = await client.query('SELECT 42 AS answer');
  out.after_error = after.rows[0].answer;
  await client.end();
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
