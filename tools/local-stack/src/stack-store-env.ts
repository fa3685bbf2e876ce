/**
 * The environment a stack's service inherits from the harness. A test run may hold
 * MONGODB_URL for its MongoDB contract suites; the services it starts must not pick that up
 * by accident, or every e2e test would silently run on MongoDB. They run on MongoDB only when
 * the harness asks: STACK_MONGODB_URL (and STACK_MONGODB_DATABASE) become the services'
 * MONGODB_URL (and MONGODB_DATABASE). An explicit MONGODB_URL in a service's own env wins.
 */
export function inheritedServiceEnv(harness: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { MONGODB_URL: _url, MONGODB_DATABASE: _database, STACK_MONGODB_URL, STACK_MONGODB_DATABASE, ...rest } = harness;
  return {
    ...rest,
    ...(STACK_MONGODB_URL ? { MONGODB_URL: STACK_MONGODB_URL } : {}),
    ...(STACK_MONGODB_URL && STACK_MONGODB_DATABASE ? { MONGODB_DATABASE: STACK_MONGODB_DATABASE } : {}),
  };
}
