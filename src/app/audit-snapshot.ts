/**
 * Use case: analyse a snapshot and audit it; beyond the engine's limits, audit it from reach blocks, and past
 * their limit too, audit what the policies alone show.
 */
import { completeAnalysis, type ClusterAnalysis } from '../core/engine/analyse-cluster.js';
import { EngineLimitError } from '../core/engine/engine-limit-error.js';
import type { EngineSettings } from '../core/engine/engine-settings.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import type { PreviousPeriodCounts } from '../core/findings/check.js';
import { runAudit, runBlockAudit, runPolicyAudit, type AuditResult, type BlockAuditResult, type PolicyAuditResult } from '../core/findings/run-audit.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { analyseSnapshotPolicies } from './analyse-snapshot.js';

/**
 * A complete audit; or, when the engine stopped at one of its limits (class cap, pair-cell limit), the audit
 * from reach blocks (every check but those that need the complete analysis, with scores and exposure; see
 * BlockAuditResult); or, past the block audit's own limit too, the policy-level audit (the checks over allow
 * sets and reach did not run; see PolicyAuditResult). Each incomplete audit names the limit that stopped it.
 */
export type SnapshotAudit =
  | { readonly complete: true; readonly result: AuditResult; readonly analysis: ClusterAnalysis; readonly problems: ObjectProblem[] }
  | { readonly complete: false; readonly fromBlocks: true; readonly result: BlockAuditResult; readonly stoppedBy: EngineLimitError; readonly problems: ObjectProblem[] }
  | { readonly complete: false; readonly fromBlocks: false; readonly result: PolicyAuditResult; readonly stoppedBy: EngineLimitError; readonly problems: ObjectProblem[] };

export function auditSnapshot(
  snapshot: Snapshot,
  engine: EngineSettings,
  audit: AuditSettings,
  today: string,
  previous?: PreviousPeriodCounts,
  options: { readonly onProgress?: (message: string) => void } = {},
): SnapshotAudit {
  const { base, problems } = analyseSnapshotPolicies(snapshot, engine);
  const common = { cluster: snapshot.cluster, takenAt: snapshot.takenAt, settings: audit, today, ...(previous ? { previous } : {}) };
  try {
    const analysis = completeAnalysis(base);
    return { complete: true, result: runAudit({ ...common, analysis }), analysis, problems };
  } catch (e) {
    if (!(e instanceof EngineLimitError)) throw e;
    let reason = engineLimitReason(e);
    // the audit from reach blocks has no class cap; past its own limit, the policy-level audit says why both stopped
    options.onProgress?.(`${snapshot.cluster}: beyond the engine's limits (${e.summary}); auditing from reach blocks`);
    try {
      const result = runBlockAudit({ ...common, analysis: base, stoppedBecause: reason });
      // the checks are done: the result keeps the policy analysis (for coverage in drifts), not its peer caches
      base.compiler.forgetPeers();
      return { complete: false, fromBlocks: true, result, stoppedBy: e, problems };
    } catch (blockLimit) {
      if (!(blockLimit instanceof EngineLimitError)) throw blockLimit;
      reason += ` The audit from reach blocks stopped too: ${engineLimitReason(blockLimit)}`;
    }
    const result = runPolicyAudit({ ...common, analysis: base, stoppedBecause: reason });
    base.compiler.forgetPeers();
    return { complete: false, fromBlocks: false, result, stoppedBy: e, problems };
  }
}

/** The engine's explanation of a limit, with what to do, as one paragraph. */
export function engineLimitReason(e: EngineLimitError): string {
  return `${e.message}${e.hint ? ` What to do: ${e.hint}.` : ''}`;
}

/** Policy counts of a snapshot, for the growth check of the next period. */
export function policyCounts(snapshot: Snapshot, label: string): PreviousPeriodCounts {
  const byNamespace: Record<string, number> = {};
  for (const p of snapshot.networkPolicies) byNamespace[p.namespace ?? 'default'] = (byNamespace[p.namespace ?? 'default'] ?? 0) + 1;
  return {
    label,
    takenAt: snapshot.takenAt,
    total: snapshot.networkPolicies.length + snapshot.adminNetworkPolicies.length + snapshot.baselineAdminNetworkPolicies.length,
    byNamespace,
  };
}
