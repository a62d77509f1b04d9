export * from './apps';
export * from './platform';
