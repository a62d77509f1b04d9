/**
 * A PostgreSQL or MongoDB URL with its database replaced by `database` (same user, same
 * credentials); for MongoDB, `authSource` names the database that holds the user.
 */
export function withDatabase(url: string, database: string, authSource?: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (authSource) parsed.searchParams.set('authSource', authSource);
  return parsed.toString();
}

/** The database a PostgreSQL or MongoDB URL names. */
export function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}
