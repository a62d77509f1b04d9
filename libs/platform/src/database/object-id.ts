import { ObjectId } from 'mongodb';

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/**
 * The ObjectId a path segment names, or undefined when it cannot name one (so the caller
 * answers 404). Stricter than ObjectId.isValid, which also accepts any 12-character string.
 */
export function parseObjectId(value: string): ObjectId | undefined {
  return OBJECT_ID.test(value) ? new ObjectId(value) : undefined;
}
