/** A check: metadata (id, rationale, remediation, controls, severity) plus logic over audit facts. */
import type { AllowSetFacts, AuditFacts, PolicyFacts } from './audit-facts.js';
import type { AuditSettings } from './audit-settings.js';
import type { ControlId } from './controls.js';
import type { Severity } from './severity.js';

export type CheckCategory = 'isolation' | 'labels' | 'sprawl' | 'exposure' | 'hygiene' | 'governance';

/** What a check reports; the audit adds cluster, severity, controls, fingerprint and suppression. */
export interface FindingDraft {
  readonly namespace?: string;
  readonly workload?: string;
  readonly policy?: string;
  readonly message: string;
  /** Distinguishes findings of one check on one object (e.g. `ingress`, `spec.egress[1]`); part of the fingerprint. */
  readonly subject?: string;
  /** Overrides the check's severity for this finding (e.g. outbound-only exposure is one level lower). */
  readonly severity?: Severity;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Policy counts from the previous period, for growth checks. */
export interface PreviousPeriodCounts {
  readonly label: string;
  readonly takenAt: string;
  readonly total: number;
  readonly byNamespace: Readonly<Record<string, number>>;
}

export interface CheckContext<F extends PolicyFacts = AuditFacts> {
  readonly cluster: string;
  readonly facts: F;
  readonly settings: AuditSettings;
  readonly previous?: PreviousPeriodCounts;
  /** ISO date of the audit (for expiry checks). */
  readonly today: string;
}

interface CheckMeta {
  readonly id: string;
  readonly title: string;
  readonly category: CheckCategory;
  readonly defaultSeverity: Severity;
  /** Why it matters. */
  readonly rationale: string;
  /** What to do. */
  readonly remediation: string;
  /** A ready-to-apply YAML snippet, where one fits. */
  readonly snippet?: string;
  readonly controls: readonly ControlId[];
}

/** A check over the policies, pods and namespaces only: it runs on every cluster, beyond the engine's limits too. */
export interface PolicyCheck extends CheckMeta {
  readonly needs: 'policies';
  run(ctx: CheckContext<PolicyFacts>): FindingDraft[];
}

/**
 * A check over the effective allow sets and pod-to-pod reach as workload facts: it runs on a complete analysis,
 * and from reach blocks beyond the class cap.
 */
export interface AllowSetCheck extends CheckMeta {
  readonly needs: 'allow-sets';
  run(ctx: CheckContext<AllowSetFacts>): FindingDraft[];
}

/** A check that re-evaluates the engine's allow maps and reach rows (redundancy): only on a complete analysis. */
export interface CompleteAnalysisCheck extends CheckMeta {
  readonly needs: 'complete-analysis';
  run(ctx: CheckContext<AuditFacts>): FindingDraft[];
}

export type Check = PolicyCheck | AllowSetCheck | CompleteAnalysisCheck;
