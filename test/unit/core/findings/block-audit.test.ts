/**
 * The audit from reach blocks (runBlockAudit: clusters beyond the class cap) says what the audit of a complete
 * analysis says — workload facts, findings, exposure, summaries — on the public conformance corpus, on
 * generated clusters, and on the cases where its shortcuts could go wrong. Every fixture audit of the other
 * findings tests is cross-checked the same way (test/support/audit-fixture.ts).
 */
import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../../../src/bench/synthetic-cluster.js';
import { analysePolicies, completeAnalysis } from '../../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../../src/core/engine/engine-settings.js';
import { DEFAULT_AUDIT_SETTINGS } from '../../../../src/core/findings/audit-settings.js';
import { blockAuditFacts } from '../../../../src/core/findings/audit-facts.js';
import { BlockPorts } from '../../../../src/core/engine/block-ports.js';
import { releasableBlockClassDirections } from '../../../../src/core/engine/class-directions.js';
import { directionRules } from '../../../../src/core/engine/reach-blocks.js';
import { collectGarbage } from '../../../support/collect-garbage.js';
import { runAudit, runBlockAudit } from '../../../../src/core/findings/run-audit.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import type { SnapshotContent } from '../../../../src/core/model/snapshot.js';
import { audit, findingsOf } from '../../../support/audit-fixture.js';
import { blockAuditDifferences } from '../../../support/block-audit-agreement.js';
import { netpol, ns, pod, snapshotOf } from '../../../support/cluster-fixture.js';
import { conformanceSnapshots } from '../../../support/conformance-cases.js';

const INPUT = { cluster: 'c', takenAt: '2026-09-30T00:00:00.000Z', settings: DEFAULT_AUDIT_SETTINGS, today: '2026-10-01', stoppedBecause: 'test' };

function differences(content: SnapshotContent, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS) {
  const base = analysePolicies(buildClusterModel(content).model, settings);
  const complete = runAudit({ ...INPUT, analysis: completeAnalysis(base) });
  const { block, differences } = blockAuditDifferences(base, complete, { ...INPUT, analysis: base });
  return { complete, block, differences };
}

describe('the audit from reach blocks', () => {
  it('equals the complete audit on every case of the conformance corpus, with both ipBlock and both hostNetwork settings', async () => {
    const failures: string[] = [];
    let cases = 0;
    let findings = 0;
    // the reach rules' peers as runs in two of them (the default keeps these small sets as words)
    const variants: Partial<EngineSettings>[] = [{ ipBlockPods: 'ignore', peerSets: 'runs' }, { ipBlockPods: 'match' }, { hostNetwork: 'node', peerSets: 'runs' }];
    for await (const { name, snapshot } of conformanceSnapshots()) {
      for (const variant of variants) {
        const r = differences(snapshot, { ...DEFAULT_ENGINE_SETTINGS, ...variant });
        if (r.differences.length) failures.push(`${name} (${JSON.stringify(variant)}): ${r.differences.slice(0, 2).join('; ')}`);
        findings += r.block.findings.length;
      }
      cases++;
    }
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(150);
    expect(findings).toBeGreaterThan(1000);
  }, 240_000);

  it('equals the complete audit on generated clusters (W3 with its per-pod named ports and admin tiers)', () => {
    for (const workload of ['W1', 'W2', 'W3'] as const) {
      for (const seed of [1, 2]) {
        // seed 2 under the settings of Cilium-like plugins: ipBlocks ignore pods, hostNetwork pods are the node
        const settings: EngineSettings = seed === 1 ? DEFAULT_ENGINE_SETTINGS : { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore', hostNetwork: 'node', peerSets: 'runs' };
        const r = differences(generateCluster({ workload, scale: 0.015, seed }), settings);
        expect(r.differences, `${workload} seed ${seed}`).toEqual([]);
        // the checks over allow sets found something to compare
        expect(r.block.findings.filter((f) => ['pod-not-isolated', 'workload-cross-namespace-exposed', 'workload-internet-exposed'].includes(f.check)).length, `${workload} seed ${seed}`).toBeGreaterThan(0);
      }
    }
  }, 240_000);

  it('lists the checks that need the complete analysis as not run, with the reason', () => {
    const r = differences(generateCluster({ workload: 'W1', scale: 0.005, seed: 1 }));
    expect(r.block.notRun).toEqual({ checks: ['policy-redundant'], reason: 'test' });
    expect(r.block.summary.checks.map((c) => c.id)).not.toContain('policy-redundant');
    expect(r.complete.summary.checks.map((c) => c.id)).toContain('policy-redundant');
  });

  it('lets go of the rule pieces once its checks ran: their port answers stay, a new port question is an error', () => {
    const objects = [ns('a'), web('a'), netpol('a', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })];
    const base = analysePolicies(buildClusterModel(snapshotOf(objects).snapshot).model);
    const block = runBlockAudit({ ...INPUT, analysis: base });
    const egress = block.facts.workloads.get('a/web[Pod]')!.egress;
    // the DNS check asked: its answers were kept (UDP 53 is allowed, TCP 53 is not: a finding)
    expect(egress.allowsPort('UDP', 53)).toBe(true);
    expect(egress.allowsPort('TCP', 53)).toBe(false);
    expect(block.findings.map((f) => f.check)).toContain('default-deny-egress-without-dns');
    expect(() => egress.allowsPort('TCP', 8080)).toThrow('after the rule pieces were released');
    // facts of their own still answer anything
    expect(blockAuditFacts(base).workloads.get('a/web[Pod]')!.egress.allowsPort('TCP', 8080)).toBe(false);
  });

  it('no longer holds the rule pieces once released, while the class directions are kept', async () => {
    const objects = [ns('a'), web('a'), pod('a', 'db', { labels: { app: 'db' } }), netpol('a', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }] })];
    // the rules are made and dropped inside: only the class directions and a weak reference leave
    const made = () => {
      const base = analysePolicies(buildClusterModel(snapshotOf(objects).snapshot).model);
      const rules = { egress: directionRules(base, 'egress'), ingress: directionRules(base, 'ingress') };
      const r = releasableBlockClassDirections(base, rules, new BlockPorts(base));
      const kept = base.classes.map((c) => r.directions(c.id, 'ingress'));
      const answers = kept.map((d) => d.allowsPort('TCP', 5432));
      r.releasePieces();
      return { kept, answers, rules: new WeakRef(rules.ingress) };
    };
    const { kept, answers, rules } = made();
    await collectGarbage();
    expect(rules.deref()).toBeUndefined();
    expect(kept.map((d) => d.allowsPort('TCP', 5432))).toEqual(answers);
    expect(answers).toContain(true);
  });

  // the fixtures below go through audit(), which compares both audits; each asserts the case it is about
  const web = (n: string, ports?: { name?: string; containerPort: number; protocol?: string }[]) => pod(n, 'web', { labels: { app: 'web' }, ...(ports ? { ports } : {}) });

  /**
   * Every address, plus the pods of the namespaces labelled and not labelled team=x, in three rules: everything
   * together, when the last rule has every port.
   */
  const split = (lastPorts?: unknown[]) => [
    ns('a', { team: 'x' }),
    ns('b'),
    web('a'),
    pod('b', 'api', { labels: { app: 'api' } }),
    netpol('a', 'split', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] },
        { from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }], ...(lastPorts ? { ports: lastPorts } : {}) },
      ],
    }),
  ];

  it('finds a workload open when its rules cover every peer and port only together', () => {
    const r = audit(split());
    expect(r.facts.workloads.get('a/web[Pod]')!.ingress.open).toBe(true);
    expect(findingsOf(r, 'pod-not-isolated').map((f) => f.workload)).toContain('a/web[Pod]');
  });

  it('does not find it open when one port is missing for one peer', () => {
    const r = audit(split([{ port: 1, endPort: 65534, protocol: 'TCP' }, { protocol: 'UDP' }, { protocol: 'SCTP' }]));
    const f = r.facts.workloads.get('a/web[Pod]')!.ingress;
    expect([f.open, f.isolated]).toEqual([false, true]);
  });

  it('finds DNS allowed through a named port that only some peers bind to 53', () => {
    // the rule reaches every pod; only the DNS pod (not the first peer) gives the name a meaning
    const r = audit([
      ns('a'),
      ns('kube-system'),
      web('a'),
      pod('kube-system', 'dns', { labels: { k8s: 'dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }] }),
      netpol('a', 'deny', { podSelector: {}, policyTypes: ['Egress'] }),
      netpol('a', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'dns', protocol: 'UDP' }] }] }),
    ]);
    const f = r.facts.workloads.get('a/web[Pod]')!.egress;
    expect([f.allowsPort('UDP', 53), f.allowsPort('TCP', 53)]).toEqual([true, false]);
    expect(findingsOf(r, 'default-deny-egress-without-dns').map((x) => x.message)).toEqual([expect.stringContaining('a/web[Pod] (no TCP/53)')]);
  });

  it('resolves an ingress named port from the internet on each pod (pods binding the name differently)', () => {
    const r = audit([
      ns('a'),
      web('a', [{ name: 'http', containerPort: 8080 }]),
      pod('a', 'web2', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('a', 'other', { labels: { app: 'web' } }),
      netpol('a', 'public', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 'http' }] }] }),
    ]);
    const messages = findingsOf(r, 'workload-internet-exposed').filter((f) => (f.details as { direction: string }).direction === 'ingress').map((f) => f.message);
    expect(messages).toEqual([expect.stringMatching(/^a\/web\[Pod\] accepts .* TCP 8080$/), expect.stringMatching(/^a\/web2\[Pod\] accepts .* TCP 9090$/)]);
  });
});
