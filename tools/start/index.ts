export * from './apps';
export * from './platform';
export * from './client';
