import { MongoServerError, type Collection, type Document, type IndexDescription } from 'mongodb';

const NAMESPACE_NOT_FOUND = 26;

/**
 * Creates the indexes of `collection` that do not exist yet, by name. Asking for existing
 * ones again is a no-op on MongoDB but crashes the connection on FerretDB 1.24 (the dev
 * stack), so only missing ones are requested. Every index must have a name.
 */
export async function ensureIndexes<T extends Document>(
  collection: Collection<T>,
  indexes: (IndexDescription & { name: string })[],
): Promise<void> {
  const existing = await collection
    .listIndexes()
    .toArray()
    .catch((error: unknown) => {
      // A collection that was never written to has no indexes yet.
      if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) return [];
      throw error;
    });
  const names = new Set(existing.map((index) => index.name as string));
  const missing = indexes.filter((index) => !names.has(index.name));
  if (missing.length > 0) await collection.createIndexes(missing);
}
