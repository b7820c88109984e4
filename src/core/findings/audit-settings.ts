/** What the audit can be told by configuration (the config file maps onto this; see src/config). */
import type { Severity } from './severity.js';

export interface ExceptionRule {
  /** Check id the exception applies to. */
  readonly check: string;
  readonly cluster?: string;
  readonly namespace?: string;
  /** Workload key `namespace/name[Kind]`. */
  readonly workload?: string;
  /** Policy id as findings show it (`namespace/name`, `anp/name`, `banp/default`). */
  readonly policy?: string;
  readonly owner: string;
  readonly reason: string;
  /** Last day it applies, YYYY-MM-DD (inclusive, UTC). */
  readonly expires: string;
}

export interface AuditSettings {
  readonly severityOverrides: Readonly<Record<string, Severity>>;
  readonly disabledChecks: readonly string[];
  /** Label keys every pod must carry (pod-missing-required-labels). */
  readonly requiredPodLabels: readonly string[];
  readonly exceptions: readonly ExceptionRule[];
  /** policy-count-growth fires when a namespace's (or the cluster's) policy count grew by more than this. */
  readonly policyGrowth: { readonly percent: number; readonly minimumIncrease: number };
  /** Exceptions expiring within this many days are listed as expiring soon. */
  readonly expiringSoonDays: number;
}

export const DEFAULT_AUDIT_SETTINGS: AuditSettings = {
  severityOverrides: {},
  disabledChecks: [],
  requiredPodLabels: [],
  exceptions: [],
  policyGrowth: { percent: 25, minimumIncrease: 5 },
  expiringSoonDays: 30,
};
