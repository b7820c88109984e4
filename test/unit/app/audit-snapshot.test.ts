/** auditSnapshot beyond the engine's limits: from reach blocks, and past the blocks' own limit at policy level. */
import { describe, expect, it } from 'vitest';
import { auditSnapshot } from '../../../src/app/audit-snapshot.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engine-settings.js';
import { DEFAULT_AUDIT_SETTINGS } from '../../../src/core/findings/audit-settings.js';
import { netpol, ns, pod, snapshotOf } from '../../support/cluster-fixture.js';

const cluster = () =>
  snapshotOf([
    ns('shop'),
    pod('shop', 'web', { labels: { app: 'web' } }),
    pod('shop', 'db', { labels: { app: 'db' } }),
    netpol('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
  ]).snapshot;

describe('auditSnapshot beyond the engine limits', () => {
  it('audits from reach blocks, saying so as progress, with the same findings as a complete audit but redundancy', () => {
    const complete = auditSnapshot(cluster(), DEFAULT_ENGINE_SETTINGS, DEFAULT_AUDIT_SETTINGS, '2026-10-01');
    if (!complete.complete) throw new Error('expected a complete audit');
    const progress: string[] = [];
    const a = auditSnapshot(cluster(), { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1 }, DEFAULT_AUDIT_SETTINGS, '2026-10-01', undefined, { onProgress: (m) => progress.push(m) });
    expect(a.complete).toBe(false);
    if (a.complete || !a.fromBlocks) throw new Error('expected the audit from reach blocks');
    expect(progress).toEqual([expect.stringMatching(/^test: beyond the engine's limits \(.*cap 1\); auditing from reach blocks$/)]);
    expect(a.result.notRun.checks).toEqual(['policy-redundant']);
    expect(a.result.findings).toEqual(complete.result.findings.filter((f) => f.check !== 'policy-redundant'));
    expect(a.result.summary.containment).toEqual(complete.result.summary.containment);
  });

  it('past the blocks own limit, gives the policy-level audit and says why both stopped', () => {
    const refused = auditSnapshot(cluster(), { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1, maxPairCells: 10 }, DEFAULT_AUDIT_SETTINGS, '2026-10-01');
    if (refused.complete || refused.fromBlocks) throw new Error('expected the policy-level audit');
    expect(refused.result.notRun.reason).toMatch(/The audit from reach blocks stopped too: 2 workloads: .*128 workload-pair cells, more than the limit of 10;/);
  });
});
