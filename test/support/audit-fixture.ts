/**
 * Runs the real audit over small fixture clusters (unit-test helper); each run also checks that the audit
 * from reach blocks agrees with it.
 */
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from '../../src/core/findings/audit-settings.js';
import type { PreviousPeriodCounts } from '../../src/core/findings/check.js';
import type { Finding } from '../../src/core/findings/finding.js';
import { runAudit, type AuditResult } from '../../src/core/findings/run-audit.js';
import type { EngineSettings } from '../../src/core/engine/engine-settings.js';
import { analyse } from './cluster-fixture.js';
import { blockAuditDifferences } from './block-audit-agreement.js';

export function audit(
  objects: unknown[],
  opts: { settings?: Partial<AuditSettings>; engine?: Partial<EngineSettings>; today?: string; previous?: PreviousPeriodCounts } = {},
): AuditResult {
  const analysis = analyse(objects, opts.engine ?? {});
  const errors = analysis.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`fixture has errors: ${errors.map((e) => `${e.object} ${e.field}: ${e.message}`).join('; ')}`);
  const input = {
    cluster: 'test',
    takenAt: '2026-09-30T00:00:00.000Z',
    settings: { ...DEFAULT_AUDIT_SETTINGS, ...opts.settings },
    today: opts.today ?? '2026-10-01',
    ...(opts.previous ? { previous: opts.previous } : {}),
  };
  const result = runAudit({ ...input, analysis });
  // every fixture also checks the audit from reach blocks (clusters beyond the class cap) against it
  const { differences } = blockAuditDifferences(analysis, result, { ...input, analysis, stoppedBecause: 'fixture' });
  if (differences.length) throw new Error(`the audit from reach blocks differs:\n${differences.slice(0, 5).join('\n')}`);
  return result;
}

/** Findings of one check, as `namespace|workload|policy: message` for readable assertions. */
export function findingsOf(r: AuditResult, check: string): Finding[] {
  return r.findings.filter((f) => f.check === check);
}
