/** Use case: drift between two snapshots of one cluster (connectivity, exposure, policies, labels, findings). */
import type { EngineSettings } from '../core/engine/engine-settings.js';
import { computeDrift, type Drift, type DriftSide } from '../core/diff/drift.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import { runAudit } from '../core/findings/run-audit.js';
import type { ObjectProblem } from '../core/model/object-problem.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { analyseSnapshot } from './analyse-snapshot.js';

export function driftSide(snapshot: Snapshot, engine: EngineSettings, audit: AuditSettings, today: string): { side: DriftSide; problems: ObjectProblem[] } {
  const { analysis, problems } = analyseSnapshot(snapshot, engine);
  const result = runAudit({ cluster: snapshot.cluster, takenAt: snapshot.takenAt, analysis, settings: audit, today });
  return { side: { snapshot, facts: result.facts, findings: result.findings }, problems };
}

export function driftBetween(before: DriftSide, after: DriftSide): Drift {
  return computeDrift(before, after);
}
