/** The app's name (`auth`, `webtoon`, …): its Consul service name and its `app` metric label. */
export const APP_NAME = Symbol('APP_NAME');
