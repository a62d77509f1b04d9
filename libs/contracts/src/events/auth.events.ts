import { z } from 'zod';
import { id, instant } from './schema-parts';

export type Role = 'reader' | 'author' | 'editor' | 'admin';

export const ROLES: readonly Role[] = ['reader', 'author', 'editor', 'admin'];

export interface UserRegisteredV1 {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  registeredAt: string;
}

export const userRegisteredV1Schema = z.object({
  userId: id,
  email: z.string().min(1),
  displayName: z.string(),
  roles: z.array(z.enum(['reader', 'author', 'editor', 'admin'])),
  registeredAt: instant,
}) satisfies z.ZodType<UserRegisteredV1>;

export interface UserDeletedV1 {
  userId: string;
  deletedAt: string;
}

export const userDeletedV1Schema = z.object({
  userId: id,
  deletedAt: instant,
}) satisfies z.ZodType<UserDeletedV1>;
