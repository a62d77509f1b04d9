/** The route table in force: the platform's ROUTES, or a test's own. */
export const ROUTE_TABLE = Symbol('ROUTE_TABLE');
/** `ReadonlyMap<service, CircuitBreaker>`, one breaker per service of the route table. */
export const CIRCUIT_BREAKERS = Symbol('CIRCUIT_BREAKERS');
