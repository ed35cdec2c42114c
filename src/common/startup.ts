/**
 * One-line start-up failures: an unreachable service, an invalid environment or a policy/rule file
 * that does not parse stop the process with a message naming what is wrong, and exit code 1.
 */
export function startupFailure(processName: string) {
  return (e: unknown): never => {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${processName} failed to start: ${msg}\n`);
    process.exit(1);
  };
}
