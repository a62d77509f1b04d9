export type Role = 'reader' | 'author' | 'editor' | 'admin';

export const ROLES: readonly Role[] = ['reader', 'author', 'editor', 'admin'];

export interface UserRegisteredV1 {
  userId: string;
  email: string;
  displayName: string;
  roles: Role[];
  registeredAt: string;
}

export interface UserDeletedV1 {
  userId: string;
  deletedAt: string;
}
