// Guard: integration and e2e tests refuse to run against anything but a database made for the run.
if (!process.env.DATABASE_URL?.match(/_test(\?|$)/)) {
  throw new Error(`refusing to run integration tests against ${process.env.DATABASE_URL ?? '(unset)'}: not a _test database`);
}
jest.setTimeout(60_000);
