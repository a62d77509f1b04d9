export * from './events/envelope';
export * from './events/event-map';
export * from './events/auth.events';
export * from './events/webtoon.events';
export * from './events/payment.events';
export * from './events/news.events';
export * from './events/blog.events';
export * from './http/error-body';
