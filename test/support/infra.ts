/**
 * Integration suites need real servers. When one is not available the suite is skipped with its reason
 * printed; with NETPOL_AUDIT_REQUIRE_ALL_SUITES=1 (set by .ci/run) a skip is a failure instead.
 */
import { describe, it } from 'vitest';

export const REQUIRE_ALL = process.env['NETPOL_AUDIT_REQUIRE_ALL_SUITES'] === '1';

export interface Availability {
  readonly available: boolean;
  /** Why not, and how to make it available. */
  readonly reason?: string;
}

/** `describe` that runs when the infrastructure is there, is skipped (with its reason printed) when not,
 * and fails when skipping is not allowed. */
export function describeWith(infra: string, availability: Availability, name: string, fn: () => void): void {
  if (availability.available) {
    describe(name, fn);
    return;
  }
  const reason = `${infra} unavailable: ${availability.reason ?? 'unknown reason'}`;
  if (REQUIRE_ALL) {
    describe(name, () => {
      it(`requires ${infra}`, () => {
        throw new Error(`${reason} (NETPOL_AUDIT_REQUIRE_ALL_SUITES=1 turns this skip into a failure)`);
      });
    });
    return;
  }
  process.stderr.write(`[skipped suite] ${name}: ${reason}\n`);
  describe.skip(`${name} [skipped: ${reason}]`, fn);
}

