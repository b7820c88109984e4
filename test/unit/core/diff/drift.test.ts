import { describe, expect, it } from 'vitest';
import { driftBetween as driftOutcome, driftSide, driftSideOf, type AnyDriftSide } from '../../../../src/app/drift-between.js';
import { collectGarbage } from '../../../support/collect-garbage.js';
import { DEFAULT_AUDIT_SETTINGS } from '../../../../src/core/findings/audit-settings.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../../../src/core/engine/engine-settings.js';
import { diffObjects, formatFieldChange } from '../../../../src/core/diff/object-diff.js';
import { coverageView, detachedCoverageView } from '../../../../src/core/diff/drift.js';
import { auditSnapshot } from '../../../../src/app/audit-snapshot.js';
import { netpol, ns, pod, snapshotOf } from '../../../support/cluster-fixture.js';

const side = (objects: unknown[], engine = DEFAULT_ENGINE_SETTINGS) => driftSide(snapshotOf(objects).snapshot, engine, DEFAULT_AUDIT_SETTINGS, '2026-10-01').side;
/** The whole drift of two analysed sides. */
const driftBetween = (a: AnyDriftSide, b: AnyDriftSide) => {
  const o = driftOutcome(a, b);
  if (!o.complete) throw new Error('expected a complete drift');
  return o.drift;
};
const base = () => [
  ns('shop', { team: 'shop' }),
  ns('ops', { team: 'ops' }),
  pod('shop', 'web', { labels: { app: 'web' } }),
  pod('shop', 'db', { labels: { app: 'db' } }),
  pod('ops', 'backup', { labels: { app: 'backup' } }),
  netpol('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }),
  netpol('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] }),
];

describe('drift', () => {
  it('beyond the engine limits, from reach blocks, gives connections (when listed), exposure, the policy drift and the findings of every check but redundancy', () => {
    const after = [...base(), netpol('shop', 'web-public', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { namespaceSelector: { matchLabels: { team: 'ops' } } }] }] })];
    const complete = driftBetween(side(base()), side(after));
    expect(complete.connections.length).toBeGreaterThan(0);
    const capped = { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1 };
    // 1,000 cells: the block audit's peer sets fit (3 workloads: 192 cells), its connection listing does not (1,600 a pair)
    const unlisted = { ...capped, maxPairCells: 1000 };
    const cases = [
      [side(base()), capped, 'complete before', true],
      [side(base(), capped), capped, 'both from blocks', true],
      [side(base(), unlisted), unlisted, 'both from blocks, not listed', false],
      [side(base()), unlisted, 'complete before, after not listed', false],
    ] as const;
    for (const [before, settings, label, listed] of cases) {
      const o = driftOutcome(before, side(after, settings));
      expect(o.complete, label).toBe(false);
      if (o.complete) return;
      const reason = listed ? /^after \(test, .*\): analysed from reach blocks: \d+ pods fall into \d+ pod classes, more than the cap of 1/ : /^after \(test, .*\): analysed from reach blocks, connections not listed \(listing the connections from reach blocks would hold \d+ connected workload pairs .* it was not started.*\): \d+ pods fall into/;
      expect(o.notAnalysed.at(-1), label).toMatch(reason);
      // the connection changes are those of the complete drift when both sides are listed, else not given
      expect(o.connections, label).toEqual(listed ? complete.connections : null);
      expect(o.exposure, label).toEqual({ newlyInternetExposed: complete.newlyInternetExposed, newlyCrossNamespaceExposed: complete.newlyCrossNamespaceExposed });
      expect(o.exposure?.newlyInternetExposed, label).toEqual([{ workload: 'shop/web[Pod]', direction: 'ingress' }]);
      expect(o.drift.policies, label).toEqual(complete.policies);
      const noRedundancy = (fs: readonly { check: string }[]) => fs.filter((f) => f.check !== 'policy-redundant');
      expect(o.drift.findings.new, label).toEqual(noRedundancy(complete.findings.new));
      expect(o.drift.findings.resolved, label).toEqual(noRedundancy(complete.findings.resolved));
      // findings of checks over allow sets compare too (the policy-level drift would leave them out)
      expect(o.drift.findings.new.map((f) => f.check), label).toContain('workload-internet-exposed');
    }
  });

  it('past the reach blocks limit too, gives the policy drift and the policy-level findings only, and says which side was not analysed', () => {
    const after = [...base().filter((o) => (o as { metadata: { name: string } }).metadata.name !== 'deny'), netpol('ops', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })];
    const complete = driftBetween(side(base()), side(after));
    const refused = { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1, maxPairCells: 10 };
    // against a complete side, and against a side from reach blocks: the level of the weaker side
    for (const before of [side(base()), side(base(), { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1 })]) {
      const o = driftOutcome(before, side(after, refused));
      expect(o.complete).toBe(false);
      if (o.complete) return;
      expect(o.exposure).toBeNull();
      expect(o.notAnalysed.at(-1)).toMatch(/^after \(test, .*\): \d+ pods fall into \d+ pod classes, more than the cap of 1/);
      expect(o.drift.policies).toEqual(complete.policies);
      expect(o.drift.coverage).toEqual(complete.coverage);
      // the other side's findings of checks over allow sets are left out, not reported as resolved
      const policyLevel = (fs: readonly { check: string }[]) => fs.filter((f) => !['pod-not-isolated', 'default-deny-neutralised', 'default-deny-egress-without-dns', 'workload-cross-namespace-exposed', 'workload-internet-exposed', 'policy-redundant'].includes(f.check));
      expect(o.drift.findings.new).toEqual(policyLevel(complete.findings.new));
      expect(o.drift.findings.resolved).toEqual(policyLevel(complete.findings.resolved));
      expect(o.drift.findings.resolved.map((f) => `${f.check} ${f.namespace}`)).toContain('default-deny-missing ops');
      expect(o.drift.findings.new.map((f) => f.check)).not.toContain('pod-not-isolated');
    }
  });

  it('reports policy changes field by field, added and removed policies', () => {
    const after = [
      ...base().filter((o) => (o as { metadata: { name: string } }).metadata.name !== 'deny'),
      netpol('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5433 }] }] }),
      netpol('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] }),
    ];
    // the later copy of shop/db is ignored as a duplicate: keep only the new one
    const dedup = after.filter((o, i) => !((o as { metadata: { name: string } }).metadata.name === 'db' && (o as { kind: string }).kind === 'NetworkPolicy' && i < 6));
    const d = driftBetween(side(base()), side(dedup));
    expect(d.policies.map((p) => [p.change, p.id, p.fields.map(formatFieldChange)])).toEqual([
      ['modified', 'shop/db', ['spec.ingress[0].ports[0].port: 5432 -> 5433']],
      ['removed', 'shop/deny', []],
      ['added', 'shop/web', []],
    ]);
    expect(d.connections.find((c) => c.src === 'shop/web[Pod]' && c.dst === 'shop/db[Pod]')).toMatchObject({ type: 'changed', before: { TCP: [[5432, 5432]] }, after: { TCP: [[5433, 5433]] } });
  });

  it('lists workloads newly reachable from the internet or from other namespaces', () => {
    const after = [...base(), netpol('shop', 'web-public', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { namespaceSelector: { matchLabels: { team: 'ops' } } }] }] })];
    const d = driftBetween(side(base()), side(after));
    expect(d.newlyInternetExposed).toEqual([{ workload: 'shop/web[Pod]', direction: 'ingress' }]);
    expect(d.newlyCrossNamespaceExposed).toEqual([{ workload: 'shop/web[Pod]', namespaces: ['ops'] }]);
  });

  it('reports label changes that altered coverage, and not those that did not', () => {
    const after = base().map((o) => (o as { metadata: { name: string; namespace?: string } }).metadata.name === 'db' && (o as { kind: string }).kind === 'Pod' ? pod('shop', 'db', { labels: { app: 'database' } }) : o);
    const relabelled = base().map((o) => (o as { metadata: { name: string } }).metadata.name === 'backup' ? pod('ops', 'backup', { labels: { app: 'backup', tier: 'jobs' } }) : o);
    const d = driftBetween(side(base()), side(after));
    expect(d.coverage).toEqual([{ kind: 'workload', name: 'shop/db[Pod]', labels: [{ path: 'app', before: 'db', after: 'database' }], nowCoveredBy: [], noLongerCoveredBy: ['shop/db'] }]);
    expect(driftBetween(side(base()), side(relabelled)).coverage).toEqual([]);
  });

  it('gives the same coverage changes when both sides are beyond the engine limits', () => {
    const after = base().map((o) => (o as { metadata: { name: string } }).metadata.name === 'db' && (o as { kind: string }).kind === 'Pod' ? pod('shop', 'db', { labels: { app: 'database' } }) : o);
    const capped = { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1 };
    const o = driftOutcome(side(base(), capped), side(after, capped));
    expect(o.complete).toBe(false);
    expect(o.drift.coverage).toEqual(driftBetween(side(base()), side(after)).coverage);
    expect(o.drift.coverage.map((c) => c.name)).toEqual(['shop/db[Pod]']);
  });

  it('a side beyond the engine limits answers coverage from its own sets, not from the policy analysis it was built from', () => {
    const audit = auditSnapshot(snapshotOf(base()).snapshot, { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1 }, DEFAULT_AUDIT_SETTINGS, '2026-10-01');
    expect(audit.complete).toBe(false);
    const facts = audit.result.facts;
    const detached = detachedCoverageView(facts);
    const lazy = coverageView(facts);
    expect([...detached.coveredBy('shop/db[Pod]')].sort()).toEqual(['shop/db', 'shop/deny']);
    const expected = [...facts.workloads.keys()].map((k) => [k, [...lazy.coveredBy(k)].sort()]);
    // the analysis is not consulted any more: a detached view does not keep it (or its bitsets) alive
    facts.analysis.evaluator.coveringPolicies = () => {
      throw new Error('consulted the policy analysis');
    };
    expect([...facts.workloads.keys()].map((k) => [k, [...detached.coveredBy(k)].sort()])).toEqual(expected);
    expect(() => lazy.coveredBy('shop/db[Pod]')).toThrow('consulted the policy analysis');
    // nor the allow-set facts of its workloads (from reach blocks they hold the rule pieces their port questions read)
    expect('ingress' in [...facts.workloads.values()][0]!).toBe(true);
    expect([...detached.workloads.values()].some((w) => 'ingress' in w || 'egress' in w)).toBe(false);
    const kept = side(base(), { ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1 });
    if (kept.complete || !('workloadFacts' in kept.side)) throw new Error('expected a side from reach blocks');
    const one = kept.side.workloadFacts.get('shop/web[Pod]')!;
    expect(Object.keys(one).sort()).toEqual(['egress', 'ingress', 'namespace']);
    expect(Object.keys(one.ingress).sort()).toEqual(['internet', 'peerNamespaces']);
    expect(Object.keys(one.egress)).toEqual(['internet']);
  });

  it('keeps no reference to the policy analysis in a side beyond the limits, from reach blocks or at policy level', async () => {
    for (const [settings, label] of [
      [{ ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1 }, 'from reach blocks'],
      [{ ...DEFAULT_ENGINE_SETTINGS, maxClasses: 1, maxPairCells: 10 }, 'policy level'],
    ] as const) {
      // the audit and its analysis are made and dropped inside: only the side and a weak reference leave
      const made = () => {
        const { snapshot } = snapshotOf(base());
        const a = auditSnapshot(snapshot, settings, DEFAULT_AUDIT_SETTINGS, '2026-10-01');
        if (a.complete || a.fromBlocks !== (label === 'from reach blocks')) throw new Error(`expected an audit ${label}`);
        return { kept: driftSideOf(snapshot, a), analysis: new WeakRef(a.result.facts.analysis) };
      };
      const { kept, analysis } = made();
      await collectGarbage();
      expect(analysis.deref(), label).toBeUndefined();
      // the side still answers what a drift asks of it
      expect([...kept.side.coverage.coveredBy('shop/db[Pod]')].sort(), label).toEqual(['shop/db', 'shop/deny']);
    }
  });

  it('matches findings by fingerprint: new, resolved, persisting', () => {
    const after = [...base().filter((o) => (o as { metadata: { name: string } }).metadata.name !== 'deny'), netpol('ops', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })];
    const d = driftBetween(side(base()), side(after));
    const key = (f: { check: string; namespace?: string }) => `${f.check} ${f.namespace ?? ''}`;
    expect(d.findings.new.map(key)).toContain('pod-not-isolated shop'); // web lost its ingress isolation
    expect(d.findings.persisting.map(key)).toContain('default-deny-missing shop'); // same problem, now worse: same fingerprint
    expect(d.findings.resolved.map(key)).toContain('default-deny-missing ops');
    expect(d.findings.persisting.length).toBeGreaterThan(0);
    for (const f of d.findings.persisting) expect(d.findings.new).not.toContainEqual(f);
  });
});

describe('object diff', () => {
  it('yields paths with before and after values, absent sides left out', () => {
    expect(diffObjects({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3, 4] }, d: 'x' })).toEqual([
      { path: 'b.c[1]', before: 2, after: 3 },
      { path: 'b.c[2]', after: 4 },
      { path: 'd', after: 'x' },
    ]);
  });
});
