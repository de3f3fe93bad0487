/**
 * How the schedule tables are read and written: prepared statements on the
 * better-sqlite3 handle under drizzle, cached per connection. One style for these
 * tables, because the bulk paths need it: a 14-day build writes ~10^5 events.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../../db/database.ts';

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The better-sqlite3 handle under a drizzle database (drizzle() attaches it as $client). */
export function sqlite(db: Db): Database.Database {
  const client = (db as unknown as { $client?: Database.Database }).$client;
  if (!client || typeof client.prepare !== 'function') throw new Error('ScheduleService needs a drizzle better-sqlite3 database');
  return client;
}

/** The prepared statement for `sql` on this database, prepared once. */
export function stmt(db: Db, sql: string): Database.Statement {
  const client = sqlite(db);
  let cache = statements.get(client);
  if (!cache) statements.set(client, (cache = new Map()));
  let s = cache.get(sql);
  if (!s) cache.set(sql, (s = client.prepare(sql)));
  return s;
}
