/**
 * Use case: drift between two snapshots of one cluster (connectivity, exposure, policies, labels, findings).
 * A side beyond the engine's limits still gives the policy drift: policies, coverage and the findings of the
 * policy-level checks (see auditSnapshot); connectivity and exposure then stay unknown, never estimated.
 */
import type { EngineSettings } from '../core/engine/engine-settings.js';
import type { EngineLimitError } from '../core/engine/engine-limit-error.js';
import { computeDrift, computePolicyDrift, policyLevelSide, type Drift, type DriftSide, type PolicyDrift, type PolicyDriftSide } from '../core/diff/drift.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { auditSnapshot } from './audit-snapshot.js';

export type AnyDriftSide = { readonly complete: true; readonly side: DriftSide } | { readonly complete: false; readonly side: PolicyDriftSide; readonly stoppedBy: EngineLimitError };

/** The whole drift, or — when a side is beyond the engine's limits — the policy drift and why. */
export type DriftOutcome = { readonly complete: true; readonly drift: Drift } | { readonly complete: false; readonly drift: PolicyDrift; readonly notAnalysed: readonly string[] };

export function driftSide(snapshot: Snapshot, engine: EngineSettings, audit: AuditSettings, today: string): { side: AnyDriftSide; problems: ObjectProblem[] } {
  const a = auditSnapshot(snapshot, engine, audit, today);
  const side = { snapshot, facts: a.result.facts, findings: a.result.findings };
  return { side: a.complete ? { complete: true, side: { ...side, facts: a.result.facts } } : { complete: false, side, stoppedBy: a.stoppedBy }, problems: a.problems };
}

export function driftBetween(before: AnyDriftSide, after: AnyDriftSide): DriftOutcome {
  if (before.complete && after.complete) return { complete: true, drift: computeDrift(before.side, after.side) };
  const notAnalysed = ([['before', before], ['after', after]] as const).flatMap(([name, s]) => (s.complete ? [] : [`${name} (${s.side.snapshot.cluster}, ${s.side.snapshot.takenAt}): ${s.stoppedBy.message}`]));
  return { complete: false, drift: computePolicyDrift(policyLevelSide(before.side), policyLevelSide(after.side)), notAnalysed };
}
