import { describe, expect, it } from 'vitest';
import { ns, pod } from '../../../support/cluster-fixture.js';
import { audit, findingsOf } from '../../../support/audit-fixture.js';
import { CHECKS } from '../../../../src/core/findings/check-registry.js';
import { CONTROL_IDS } from '../../../../src/core/findings/controls.js';

const objects = [ns('a'), ns('b'), pod('a', 'web'), pod('b', 'web')];

describe('exceptions', () => {
  it('suppress matching findings until they expire, and suppressed findings stay visible', () => {
    const r = audit(objects, {
      today: '2026-10-01',
      settings: {
        exceptions: [
          { check: 'default-deny-missing', namespace: 'a', owner: 'team-a', reason: 'legacy, migrating in Q4', expires: '2026-12-31' },
          { check: 'default-deny-missing', namespace: 'b', owner: 'team-b', reason: 'was temporary', expires: '2026-09-30' },
        ],
      },
    });
    const f = findingsOf(r, 'default-deny-missing');
    expect(f.map((x) => [x.namespace, x.suppressed, x.suppression?.owner ?? null])).toEqual([['a', true, 'team-a'], ['b', false, null]]);
    const expired = findingsOf(r, 'exception-expired');
    expect(expired.map((x) => x.message)).toEqual(['exception for default-deny-missing (namespace b) owned by team-b expired on 2026-09-30: "was temporary"']);
    expect(r.summary.suppressedFindings).toBe(1);
    expect(r.summary.exceptions).toEqual({ active: 1, expired: 1, expiringSoon: [] });
  });
  it('lists exceptions expiring soon and applies an exception on its last day', () => {
    const r = audit(objects, { today: '2026-12-20', settings: { exceptions: [{ check: 'default-deny-missing', owner: 'o', reason: 'r', expires: '2026-12-20' }] } });
    expect(findingsOf(r, 'default-deny-missing').every((f) => f.suppressed)).toBe(true);
    expect(r.summary.exceptions.expiringSoon.map((e) => e.daysLeft)).toEqual([0]);
  });
});

describe('severity overrides and disabled checks', () => {
  it('override the default severity and keep per-finding offsets', () => {
    const r = audit(objects, { settings: { severityOverrides: { 'default-deny-missing': 'critical', 'pod-not-isolated': 'low' }, disabledChecks: ['workload-internet-exposed'] } });
    expect(new Set(findingsOf(r, 'default-deny-missing').map((f) => f.severity))).toEqual(new Set(['critical']));
    expect(new Set(findingsOf(r, 'pod-not-isolated').map((f) => f.severity))).toEqual(new Set(['low']));
    expect(findingsOf(r, 'workload-internet-exposed')).toEqual([]);
  });
});

describe('fingerprints', () => {
  it('are stable across snapshots and differ between findings', () => {
    const one = audit(objects).findings.map((f) => f.fingerprint);
    const two = audit([...objects, pod('a', 'other')]).findings.map((f) => f.fingerprint);
    expect(new Set(one).size).toBe(one.length);
    for (const fp of audit(objects).findings.filter((f) => f.namespace === 'b').map((f) => f.fingerprint)) expect(two).toContain(fp);
  });
});

describe('registry', () => {
  it('lists the documented check ids, sorted, each with metadata and known controls', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([
      'default-deny-egress-without-dns', 'default-deny-missing', 'default-deny-neutralised', 'egress-to-any-address', 'exception-expired',
      'ingress-from-any-address', 'named-port-unresolved', 'namespace-missing-selected-labels', 'peer-any-namespace', 'pod-host-network',
      'pod-labels-unreferenced', 'pod-missing-required-labels', 'pod-not-isolated', 'pod-unlabeled', 'policy-count-growth', 'policy-duplicate',
      'policy-redundant', 'policy-selects-nothing', 'rule-peer-matches-nothing', 'workload-cross-namespace-exposed', 'workload-internet-exposed',
    ]);
    for (const c of CHECKS) {
      expect(c.title && c.rationale && c.remediation).toBeTruthy();
      expect(c.controls.length).toBeGreaterThan(0);
      for (const ctl of c.controls) expect(CONTROL_IDS).toContain(ctl);
    }
  });
});
