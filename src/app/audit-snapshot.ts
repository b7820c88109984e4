/** Use case: analyse a snapshot and audit it. */
import type { EngineSettings } from '../core/engine/engine-settings.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import type { PreviousPeriodCounts } from '../core/findings/check.js';
import { runAudit, type AuditResult } from '../core/findings/run-audit.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { analyseSnapshot } from './analyse-snapshot.js';

export function auditSnapshot(
  snapshot: Snapshot,
  engine: EngineSettings,
  audit: AuditSettings,
  today: string,
  previous?: PreviousPeriodCounts,
): { result: AuditResult; problems: ObjectProblem[] } {
  const { analysis, problems } = analyseSnapshot(snapshot, engine);
  const result = runAudit({ cluster: snapshot.cluster, takenAt: snapshot.takenAt, analysis, settings: audit, today, ...(previous ? { previous } : {}) });
  return { result, problems };
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
