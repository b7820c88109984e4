import { describe, expect, it } from 'vitest';
import { netpol, ns, pod } from '../../../support/cluster-fixture.js';
import { audit, findingsOf } from '../../../support/audit-fixture.js';

describe('pod-unlabeled', () => {
  it('fires for pods with no labels besides generated ones, not for labelled pods', () => {
    const r = audit([ns('a'), pod('a', 'bare', { labels: { 'pod-template-hash': 'abc' } }), pod('a', 'ok', { labels: { app: 'ok' } })]);
    expect(findingsOf(r, 'pod-unlabeled').map((f) => f.workload)).toEqual(['a/bare[Pod]']);
  });
});

describe('pod-missing-required-labels', () => {
  it('reports missing configured keys and nothing when none are configured', () => {
    const objects = [ns('a'), pod('a', 'x', { labels: { app: 'x' } }), pod('a', 'y', { labels: { app: 'y', team: 't' } })];
    expect(findingsOf(audit(objects), 'pod-missing-required-labels')).toEqual([]);
    const r = audit(objects, { settings: { requiredPodLabels: ['app', 'team'] } });
    expect(findingsOf(r, 'pod-missing-required-labels').map((f) => [f.workload, f.message])).toEqual([['a/x[Pod]', 'a/x[Pod] lacks required label team']]);
  });
});

describe('pod-labels-unreferenced', () => {
  it('fires for pods none of whose label keys any selector uses, only when policies exist', () => {
    const objects = [ns('a'), pod('a', 'x', { labels: { app: 'x' } }), pod('a', 'y', { labels: { role: 'y' } })];
    expect(findingsOf(audit(objects), 'pod-labels-unreferenced')).toEqual([]);
    const r = audit([...objects, netpol('a', 'p', { podSelector: { matchLabels: { app: 'x' } } })]);
    expect(findingsOf(r, 'pod-labels-unreferenced').map((f) => f.workload)).toEqual(['a/y[Pod]']);
  });
});

describe('namespace-missing-selected-labels', () => {
  const base = [
    ns('a', { team: 'a' }), ns('b', { team: 'b' }), ns('c'), ns('pay', { team: 'p', pci: 'true' }),
    pod('a', 'x'), pod('b', 'x'), pod('c', 'x'), pod('pay', 'x'),
  ];
  it('fires for a namespace lacking a conventional key that namespaceSelectors use', () => {
    const r = audit([...base, netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }] })]);
    expect(findingsOf(r, 'namespace-missing-selected-labels').map((f) => [f.namespace, (f.details as { missing: string[] }).missing])).toEqual([['c', ['team']]]);
  });
  it('does not fire for marker keys few namespaces carry, nor for the name label', () => {
    const r = audit([
      ...base,
      netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { pci: 'true' } } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }] }] }),
    ]);
    expect(findingsOf(r, 'namespace-missing-selected-labels')).toEqual([]);
  });
});
