/**
 * Use case: drift between two snapshots of one cluster (connectivity, exposure, policies, labels, findings).
 * A side beyond the engine's limits still gives the policy drift: policies, coverage and the findings of the
 * policy-level checks (see auditSnapshot); connectivity and exposure then stay unknown, never estimated.
 */
import type { EngineSettings } from '../core/engine/engine-settings.js';
import { coverageView, detachedCoverageView, type AnyDriftSide } from '../core/diff/drift.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { auditSnapshot } from './audit-snapshot.js';

export { driftBetween, type AnyDriftSide, type DriftOutcome } from '../core/diff/drift.js';

export function driftSide(snapshot: Snapshot, engine: EngineSettings, audit: AuditSettings, today: string): { side: AnyDriftSide; problems: ObjectProblem[] } {
  const a = auditSnapshot(snapshot, engine, audit, today);
  // a side beyond the limits keeps no policy analysis: only its coverage sets (see detachedCoverageView)
  const side: AnyDriftSide = a.complete
    ? { complete: true, side: { snapshot, facts: a.result.facts, coverage: coverageView(a.result.facts), findings: a.result.findings } }
    : { complete: false, side: { snapshot, coverage: detachedCoverageView(a.result.facts), findings: a.result.findings }, reason: a.stoppedBy.message };
  return { side, problems: a.problems };
}
