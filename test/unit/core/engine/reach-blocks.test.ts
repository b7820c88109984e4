/**
 * Reach blocks (steps 1 and 2 of docs/factorised-engine.md) expand to exactly the engine's pod-to-pod reach,
 * row by row and port set by port set: on the public conformance corpus (admin tiers included) and on generated
 * clusters (W3's unique labels, per-pod named ports and admin tiers included, and W3 without its admin tiers).
 */
import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../../../src/bench/synthetic-cluster.js';
import { analysePolicies, completeAnalysis } from '../../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../../src/core/engine/engine-settings.js';
import { expandReach, reachBlocks } from '../../../../src/core/engine/reach-blocks.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import type { SnapshotContent } from '../../../../src/core/model/snapshot.js';
import { anp, netpol, ns, pod, snapshotOf } from '../../../support/cluster-fixture.js';
import { conformanceSnapshots } from '../../../support/conformance-cases.js';

/** Rows that differ between the blocks' expansion and the engine, and the class pairs both connect. */
function compare(content: SnapshotContent, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS) {
  const base = analysePolicies(buildClusterModel(content).model, settings);
  const blocks = reachBlocks(base);
  const expanded = expandReach(base, blocks);
  const engine = completeAnalysis(base).reach;
  const differing: number[] = [];
  let pairs = 0;
  engine.forEach((row, c) => {
    if (!row.equals(expanded[c]!)) differing.push(c);
    for (const seg of row.segments) pairs += seg.peers.size;
  });
  return { differing, pairs, blocks: blocks.count, classes: base.classes.length };
}

const withoutAdminTiers = (c: SnapshotContent): SnapshotContent => ({ ...c, adminNetworkPolicies: [], baselineAdminNetworkPolicies: [] });

describe('reach blocks', () => {
  it('expand to the engine reach on every case of the conformance corpus', async () => {
    let compared = 0;
    let withAdmin = 0;
    let pairs = 0;
    const failures: string[] = [];
    for await (const { name, snapshot } of conformanceSnapshots()) {
      if (snapshot.adminNetworkPolicies.length || snapshot.baselineAdminNetworkPolicies.length) withAdmin++;
      // the rules' peers as runs and as words (the default picks per set; these small sets would stay words)
      for (const [ipBlockPods, peerSets] of [['ignore', 'runs'], ['match', 'words'], ['match', 'runs']] as const) {
        const r = compare(snapshot, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods, peerSets });
        if (r.differing.length) failures.push(`${name} (${ipBlockPods}, ${peerSets}): rows ${r.differing.slice(0, 5).join(', ')} differ`);
        compared++;
        pairs += r.pairs;
      }
    }
    expect(failures).toEqual([]);
    expect(compared).toBeGreaterThan(450);
    expect(withAdmin, 'cases with admin tiers').toBeGreaterThan(20);
    expect(pairs).toBeGreaterThan(1000);
  }, 120_000);

  it('expand to the engine reach on generated clusters, per-pod named ports and unique labels included', () => {
    for (const [workload, strip] of [['W1', false], ['W2', false], ['W3', false], ['W3', true]] as const) {
      for (const seed of [1, 2]) {
        const generated = generateCluster({ workload, scale: 0.015, seed });
        const r = compare(strip ? withoutAdminTiers(generated) : generated, { ...DEFAULT_ENGINE_SETTINGS, peerSets: seed === 1 ? 'auto' : 'runs' });
        expect(r.differing, `${workload} seed ${seed}`).toEqual([]);
        expect(r.pairs, `${workload} seed ${seed}: something is connected`).toBeGreaterThan(100);
        expect(r.blocks).toBeGreaterThan(10);
      }
    }
  }, 120_000);

  describe('ports resolved on the destination', () => {
    // a client, and two servers that bind the name http to different numbers
    const objects = (...policies: unknown[]) => [
      ns('a'),
      pod('a', 'client', { labels: { app: 'client' } }),
      pod('a', 'one', { labels: { app: 'server' }, ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('a', 'two', { labels: { app: 'server' }, ports: [{ name: 'http', containerPort: 9090 }] }),
      ...policies,
    ];
    /** Whether the client reaches a server pod on TCP `port`, read from the blocks' expansion. */
    const reaches = (objs: unknown[], server: string, port: number) => {
      const base = analysePolicies(buildClusterModel(snapshotOf(objs).snapshot).model);
      const rows = expandReach(base, reachBlocks(base));
      const classOf = (name: string) => base.classes.find((c) => c.pods.some((p) => p.name === name))!.id;
      const seg = rows[classOf('client')]!.segments.find((g) => g.peers.has(classOf(server)));
      return seg !== undefined && base.compiler.ports.containsPort(seg.ports, 'TCP', port);
    };

    it('connect a number on one side with a name on the other where the destination binds the name to it', () => {
      const objs = objects(
        netpol('a', 'client-out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 8080 }] }] }),
        netpol('a', 'server-in', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
      );
      expect(reaches(objs, 'one', 8080)).toBe(true);
      expect(reaches(objs, 'two', 8080)).toBe(false);
      expect(reaches(objs, 'two', 9090)).toBe(false); // the client may not send to 9090
    });

    it('let an admin Deny of a number shadow a later Allow of a name bound to that number', () => {
      const objs = objects(
        netpol('a', 'servers-isolated', { podSelector: { matchLabels: { app: 'server' } }, policyTypes: ['Ingress'] }),
        anp('ports', {
          priority: 1,
          subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'server' } } } },
          ingress: [
            { action: 'Deny', from: [{ namespaces: {} }], ports: [{ portNumber: { protocol: 'TCP', port: 8080 } }] },
            { action: 'Allow', from: [{ namespaces: {} }], ports: [{ namedPort: 'http' }] },
          ],
        }),
      );
      expect(reaches(objs, 'one', 8080)).toBe(false); // http is 8080 there: the Deny comes first
      expect(reaches(objs, 'two', 9090)).toBe(true);
    });
  });
});

