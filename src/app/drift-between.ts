/**
 * Use case: drift between two snapshots of one cluster (connectivity, exposure, policies, labels, findings).
 * A side beyond the engine's limits is audited from reach blocks (see auditSnapshot): against another such
 * side or a complete one it still gives the exposure drift and the findings of every check but those that
 * need the complete analysis, and the connection changes when its connectivity listing from blocks fits its
 * limit (else they are not compared, never estimated). Past the block audit's limit a side gives the policy
 * drift only: policies, coverage and the policy-level findings.
 */
import type { EngineSettings } from '../core/engine/engine-settings.js';
import { coverageView, detachedCoverageView, exposureFacts, type AnyDriftSide } from '../core/diff/drift.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { listFromBlocks } from './analyse-snapshot.js';
import { auditSnapshot, type SnapshotAudit } from './audit-snapshot.js';

export { driftBetween, type AnyDriftSide, type DriftOutcome } from '../core/diff/drift.js';

export interface DriftSideOptions {
  /**
   * Keep the policy analysis of a side analysed from reach blocks whose connectivity could not be listed, so
   * the drift compares its connections from reach blocks (`diff` does: one comparison, memory for two analyses).
   */
  readonly keepAnalysis?: boolean;
}

export function driftSide(snapshot: Snapshot, engine: EngineSettings, audit: AuditSettings, today: string, options: DriftSideOptions = {}): { side: AnyDriftSide; problems: ObjectProblem[] } {
  const a = auditSnapshot(snapshot, engine, audit, today);
  return { side: driftSideOf(snapshot, a, options), problems: a.problems };
}

/**
 * A snapshot's drift side from its audit. A side beyond the limits keeps no policy analysis (unless asked to,
 * for its connection changes): only its coverage sets (see detachedCoverageView) and, from reach blocks, its
 * workloads' facts and connectivity listing.
 */
export function driftSideOf(snapshot: Snapshot, a: SnapshotAudit, options: DriftSideOptions = {}): AnyDriftSide {
  if (a.complete) return { complete: true, side: { snapshot, facts: a.result.facts, workloadFacts: a.result.facts.workloads, coverage: coverageView(a.result.facts), findings: a.result.findings } };
  const side = { snapshot, coverage: detachedCoverageView(a.result.facts), findings: a.result.findings };
  if (!a.fromBlocks) return { complete: false, side, reason: a.stoppedBy.message };
  const listed = listFromBlocks(a.result.facts);
  const kept = listed.stoppedBy && options.keepAnalysis;
  const withFacts = {
    ...side,
    workloadFacts: exposureFacts(a.result.facts.workloads),
    ...(listed.connectivity ? { connectivity: listed.connectivity } : {}),
    ...(kept ? { analysis: a.result.facts.analysis } : {}),
  };
  return { complete: false, side: withFacts, reason: `analysed from reach blocks${listed.stoppedBy ? `, connections not listed (${listed.stoppedBy.message})` : ''}: ${a.stoppedBy.message}` };
}
