/** A finding as reported: what a check found, where, how severe, which controls, and whether it is suppressed. */
import type { ControlId } from './controls.js';
import type { Severity } from './severity.js';

export interface Suppression {
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
}

export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  readonly cluster: string;
  readonly namespace?: string;
  readonly workload?: string;
  readonly policy?: string;
  readonly message: string;
  /** Stable across snapshots: the same problem on the same object has the same fingerprint. */
  readonly fingerprint: string;
  readonly suppressed: boolean;
  readonly suppression?: Suppression;
  readonly controls: readonly ControlId[];
  /** Check-specific structured data (not part of the JSON contract's required keys). */
  readonly details?: Readonly<Record<string, unknown>>;
}
