import { describe, expect, it } from 'vitest';
import { anp, netpol, ns, pod } from '../../../support/cluster-fixture.js';
import { audit, findingsOf } from '../../../support/audit-fixture.js';

const base = () => [ns('a'), pod('a', 'web', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 80 }] }), pod('a', 'db', { labels: { app: 'db' } })];

describe('policy-selects-nothing', () => {
  it('fires for NetworkPolicies and AdminNetworkPolicies whose subject matches no pod', () => {
    const r = audit([
      ...base(),
      netpol('a', 'typo', { podSelector: { matchLabels: { app: 'wbe' } } }),
      netpol('a', 'fine', { podSelector: { matchLabels: { app: 'web' } } }),
      anp('nobody', { priority: 1, subject: { namespaces: { matchLabels: { team: 'ghost' } } }, ingress: [] }),
    ]);
    expect(findingsOf(r, 'policy-selects-nothing').map((f) => f.policy)).toEqual(['anp/nobody', 'a/typo']);
  });
});

describe('rule-peer-matches-nothing', () => {
  it('fires per peer that matches no pod, with its field path', () => {
    const r = audit([
      ...base(),
      netpol('a', 'p', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { podSelector: { matchLabels: { app: 'api' } } }] }] }),
    ]);
    const f = findingsOf(r, 'rule-peer-matches-nothing');
    expect(f.map((x) => x.message)).toEqual(['NetworkPolicy a/p spec.ingress[0].from[1] matches no pod']);
  });
  it('does not fire for ipBlock peers', () => {
    const r = audit([...base(), netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })]);
    expect(findingsOf(r, 'rule-peer-matches-nothing')).toEqual([]);
  });
});

describe('policy-duplicate', () => {
  it('fires for a second policy with the same meaning, written differently', () => {
    const r = audit([
      ...base(),
      netpol('a', 'one', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
      netpol('a', 'two', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }] }),
      netpol('a', 'three', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }] }] }),
    ]);
    expect(findingsOf(r, 'policy-duplicate').map((f) => f.message)).toEqual(['NetworkPolicy a/two duplicates NetworkPolicy a/one']);
  });
});

describe('policy-redundant', () => {
  it('fires when removing a policy changes no connection', () => {
    const r = audit([
      ...base(),
      netpol('a', 'broad', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: {} }] }] }),
      netpol('a', 'narrow', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
    ]);
    expect(findingsOf(r, 'policy-redundant').map((f) => f.policy)).toEqual(['a/narrow']);
  });
  it('finds redundancy at connection level: egress allowed to a peer whose ingress denies it anyway', () => {
    const r = audit([
      ...base(),
      netpol('a', 'db-closed', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'nobody' } } }] }] }),
      netpol('a', 'web-out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
      netpol('a', 'web-out-db', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }] }),
    ]);
    expect(findingsOf(r, 'policy-redundant').map((f) => f.policy)).toEqual(['a/web-out-db']);
  });
  it('never calls a namespace default-deny redundant: it decides what future pods may do', () => {
    const r = audit([
      ...base(),
      netpol('a', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
      netpol('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] }),
      netpol('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
    ]);
    expect(findingsOf(r, 'policy-redundant')).toEqual([]);
  });
});

describe('policy-count-growth', () => {
  const policies = (n: number) => Array.from({ length: n }, (_, i) => netpol('a', `p${i}`, { podSelector: { matchLabels: { app: `x${i}` } } }));
  it('fires when a namespace and the cluster grew past the threshold since the previous period', () => {
    const r = audit([...base(), ...policies(12)], { previous: { label: '2026-Q2', takenAt: '2026-06-30T00:00:00Z', total: 4, byNamespace: { a: 4 } } });
    expect(findingsOf(r, 'policy-count-growth').map((f) => f.message)).toEqual([
      'the cluster has 12 policies, up from 4 in 2026-Q2 (+8)',
      'namespace a has 12 NetworkPolicies, up from 4 in 2026-Q2 (+8)',
    ]);
  });
  it('does not fire for small growth or without a previous period', () => {
    expect(findingsOf(audit([...base(), ...policies(6)], { previous: { label: 'Q', takenAt: '', total: 4, byNamespace: { a: 4 } } }), 'policy-count-growth')).toEqual([]);
    expect(findingsOf(audit([...base(), ...policies(12)]), 'policy-count-growth')).toEqual([]);
  });
});
