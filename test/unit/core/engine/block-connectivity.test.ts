/**
 * The connectivity listing from reach blocks (clusters beyond the class cap) lists exactly what the listing of
 * a complete analysis lists — workload pairs with their ports, external ranges both ways — on the public
 * conformance corpus, on generated clusters, and where named ports resolve differently per destination; past
 * its limit it refuses with an explanation.
 */
import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../../../src/bench/synthetic-cluster.js';
import { analysePolicies, completeAnalysis } from '../../../../src/core/engine/analyse-cluster.js';
import { blockWorkloadConnectivity, CELLS_PER_LISTED_PAIR, checkListingFits, ConnectionListLimitError } from '../../../../src/core/engine/block-connectivity.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../../src/core/engine/workload-connectivity.js';
import { blockAuditFacts, connectedWorkloadPairs } from '../../../../src/core/findings/audit-facts.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import type { SnapshotContent } from '../../../../src/core/model/snapshot.js';
import { netpol, ns, pod, snapshotOf } from '../../../support/cluster-fixture.js';
import { conformanceSnapshots } from '../../../support/conformance-cases.js';

/** Both listings, each from a policy analysis of its own. */
function listings(content: SnapshotContent, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS) {
  const base = () => analysePolicies(buildClusterModel(content).model, settings);
  return { rows: workloadConnectivity(completeAnalysis(base())), blocks: blockWorkloadConnectivity(base()) };
}

describe('the connectivity listing from reach blocks', () => {
  it('equals the listing of the complete analysis on every case of the conformance corpus, under both ipBlock and both hostNetwork settings', async () => {
    const failures: string[] = [];
    let cases = 0;
    let connections = 0;
    let external = 0;
    const variants: Partial<EngineSettings>[] = [{ ipBlockPods: 'ignore' }, { ipBlockPods: 'match' }, { hostNetwork: 'node' }];
    for await (const { name, snapshot } of conformanceSnapshots()) {
      for (const variant of variants) {
        const { rows, blocks } = listings(snapshot, { ...DEFAULT_ENGINE_SETTINGS, ...variant });
        try {
          expect(blocks).toEqual(rows);
        } catch {
          failures.push(`${name} (${JSON.stringify(variant)})`);
        }
        connections += rows.connections.length;
        external += rows.external.length;
      }
      cases++;
    }
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(150);
    expect(connections).toBeGreaterThan(10_000);
    expect(external).toBeGreaterThan(500);
  }, 240_000);

  it('equals it on generated clusters (W3 with per-pod named ports, overlapping exceptions and admin tiers)', () => {
    for (const workload of ['W1', 'W2', 'W3'] as const) {
      for (const seed of [1, 2]) {
        const settings: EngineSettings = seed === 1 ? DEFAULT_ENGINE_SETTINGS : { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore', hostNetwork: 'node' };
        const content = generateCluster({ workload, scale: 0.01, seed });
        const { rows, blocks } = listings(content, settings);
        expect(blocks, `${workload} seed ${seed}`).toEqual(rows);
        // the audit's workload facts count the listing's pairs beforehand (a listing too long is refused unbuilt)
        const facts = blockAuditFacts(analysePolicies(buildClusterModel(content).model, settings));
        expect(connectedWorkloadPairs(facts), `${workload} seed ${seed}`).toBe(rows.connections.length);
        expect(rows.connections.length, `${workload} seed ${seed}`).toBeGreaterThan(100);
      }
    }
  }, 240_000);

  it('resolves a named port on each destination and unites the ports of the blocks that connect one workload pair', () => {
    const web = (name: string, port: number) => pod('a', name, { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-5d9c' }, ports: [{ name: 'http', containerPort: port }] });
    const { snapshot } = snapshotOf([
      ns('a'),
      web('web-1', 8080),
      web('web-2', 9090),
      pod('a', 'client', { labels: { app: 'client' } }),
      netpol('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }, { from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 5000 }] }] }),
      netpol('a', 'client', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }, { port: 5000 }, { port: 9090 }] }] }),
    ]);
    const { rows, blocks } = listings(snapshot);
    expect(blocks).toEqual(rows);
    const pair = blocks.connections.find((c) => c.src === 'a/client[Pod]' && c.dst === 'a/web-5d9c[ReplicaSet]');
    expect(pair?.conns).toEqual({ TCP: [[5000, 5000], [8080, 8080], [9090, 9090]] });
  });

  it('refuses past its limit with an explanation, before listing everything', () => {
    const { snapshot } = snapshotOf([ns('a'), ...Array.from({ length: 6 }, (_, i) => pod('a', `p${i}`, { labels: { app: `p${i}` } }))]);
    const base = analysePolicies(buildClusterModel(snapshot).model, { ...DEFAULT_ENGINE_SETTINGS, maxPairCells: 10 * CELLS_PER_LISTED_PAIR });
    // 6 workloads, each reaching the 5 others: 30 pairs
    expect(() => blockWorkloadConnectivity(base)).toThrow(ConnectionListLimitError);
    expect(() => blockWorkloadConnectivity(base)).toThrow(/passed 11 connected workload pairs .* more than the limit of 16,000 cells/);
    // counted beforehand from the audit's facts: refused before anything is listed
    const counted = blockAuditFacts(analysePolicies(buildClusterModel(snapshot).model));
    expect(connectedWorkloadPairs(counted)).toBe(30);
    expect(() => checkListingFits(30, base)).toThrow(/would hold 30 connected workload pairs .* it was not started/);
    expect(() => checkListingFits(10, base)).not.toThrow();
    const roomy = analysePolicies(buildClusterModel(snapshot).model, { ...DEFAULT_ENGINE_SETTINGS, maxPairCells: 30 * CELLS_PER_LISTED_PAIR });
    expect(blockWorkloadConnectivity(roomy).connections).toHaveLength(30);
  });
});
