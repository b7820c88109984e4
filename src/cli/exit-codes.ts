/** Exit codes (see docs/cli.md): stable, scripts and CI gates depend on them. */
export const EXIT = {
  ok: 0,
  /** Findings at or above --fail-on. */
  findings: 1,
  /** Usage or configuration error, invalid input; a cluster beyond the engine's limits (audit and diff print their policy-level part first). */
  usage: 2,
  /** Cluster, store, SMTP or browser failure. */
  environment: 3,
  /** A bug in netpol-audit. */
  bug: 70,
} as const;
