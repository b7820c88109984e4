/** The synthetic cluster generator: deterministic, shaped as documented, and round-trips through disk. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { snapshotFromManifests } from '../../../src/app/manifest-snapshot.js';
import {
  contentCounts,
  generateCluster,
  mutate,
  readSnapshotJson,
  Rng,
  syntheticSnapshot,
  writeManifestFolder,
  writeSnapshotJson,
} from '../../../src/bench/synthetic-cluster.js';
import { buildClusterModel } from '../../../src/core/model/cluster-model.js';
import { contentHash, type SnapshotContent } from '../../../src/core/model/snapshot.js';

const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'netpol-bench-test-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const appPods = (c: SnapshotContent) => c.pods.filter((p) => !['kube-system', 'monitoring', 'ingress-nginx'].includes(p.namespace));
const policyNamespaces = (c: SnapshotContent) => new Set(c.networkPolicies.map((p) => p.namespace));

describe('Rng', () => {
  it('is deterministic by seed and uniform enough', () => {
    const a = new Rng('x');
    const b = new Rng('x');
    const seq = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(seq);
    expect(new Rng('y').next()).not.toBe(seq[0]);
    const mean = seq.reduce((s, x) => s + x, 0) / seq.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(seq.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('generateCluster', () => {
  it('is deterministic: same options, same content hash; another seed, another cluster', () => {
    for (const workload of ['W1', 'W2', 'W3'] as const) {
      const h = contentHash(generateCluster({ workload, scale: 0.005, seed: 7 }));
      expect(contentHash(generateCluster({ workload, scale: 0.005, seed: 7 }))).toBe(h);
      expect(contentHash(generateCluster({ workload, scale: 0.005, seed: 8 }))).not.toBe(h);
    }
  });

  it('W1: 100 pods per namespace in Deployments and StatefulSets, ~10 policies per namespace, valid policies', () => {
    const c = generateCluster({ workload: 'W1', scale: 0.01, seed: 1 });
    const counts = contentCounts(c);
    expect(appPods(c)).toHaveLength(1000);
    expect(counts.namespaces).toBe(13);
    const perNs = counts.networkPolicies / 10;
    expect(perNs).toBeGreaterThan(7);
    expect(perNs).toBeLessThan(13);
    // every pod resolves to a controller; Deployment pods carry pod-template-hash matching their ReplicaSet
    expect(c.pods.filter((p) => p.workload.kind === 'Pod')).toEqual([]);
    for (const p of c.pods.filter((x) => x.workload.kind === 'Deployment')) expect(p.owner!.name).toBe(`${p.workload.name}-${p.labels['pod-template-hash']}`);
    expect(new Set(c.pods.map((p) => p.workload.kind))).toEqual(new Set(['Deployment', 'StatefulSet', 'DaemonSet']));
    for (const p of appPods(c)) {
      expect(Object.keys(p.labels)).toEqual(expect.arrayContaining(['app', 'team', 'tier', 'version']));
      expect(p.ips[0]).toMatch(/^10\.(6[4-9]|7[01])\./);
      expect(p.ports.length).toBeGreaterThan(0);
    }
    expect(new Set(c.pods.map((p) => p.ips[0])).size).toBe(c.pods.length);
    const { problems } = buildClusterModel(c);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const specs = JSON.stringify(c.networkPolicies.map((p) => p.spec));
    for (const feature of ['"except"', '"endPort"', '"namespaceSelector"', '"port":"metrics"', 'kube-dns', '"Egress"']) expect(specs).toContain(feature);
  });

  it('W2: only 30% of the namespaces have policies', () => {
    const c = generateCluster({ workload: 'W2', scale: 0.02, seed: 1 });
    expect(policyNamespaces(c).size).toBe(6);
  });

  it('W3: unique referenced instance labels, overlapping excepts, one port name with many numbers and protocols, admin policies', () => {
    const c = generateCluster({ workload: 'W3', scale: 0.01, seed: 1 });
    const instances = appPods(c).map((p) => p.labels['instance']);
    expect(new Set(instances).size).toBe(appPods(c).length);
    const specs = JSON.stringify([...c.networkPolicies, ...c.adminNetworkPolicies].map((p) => p.spec));
    expect(instances.filter((i) => specs.includes(`"${i}"`)).length).toBeGreaterThan(500);
    const http = new Set(c.pods.flatMap((p) => p.ports.filter((x) => x.name === 'http').map((x) => `${x.protocol}/${x.port}`)));
    expect(http.size).toBeGreaterThan(8);
    expect([...http].some((x) => x.startsWith('UDP'))).toBe(true);
    expect(c.adminNetworkPolicies.length).toBe(3);
    expect(c.baselineAdminNetworkPolicies.length).toBe(1);
    const { problems } = buildClusterModel(c);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('scales: scale 0.02 gives 2,000 app pods', () => {
    expect(appPods(generateCluster({ workload: 'W1', scale: 0.02 }))).toHaveLength(2000);
  });
});

describe('mutate', () => {
  it('changes about 1% of the objects, deterministically, without touching the input', () => {
    const c = generateCluster({ workload: 'W1', scale: 0.05, seed: 3 });
    const before = contentHash(c);
    const m = mutate(c, 0.01, 5);
    expect(contentHash(c)).toBe(before);
    expect(contentHash(mutate(c, 0.01, 5))).toBe(contentHash(m));
    expect(contentHash(m)).not.toBe(before);
    const podKey = (p: SnapshotContent['pods'][number]) => `${p.namespace}/${p.name}`;
    const old = new Map(c.pods.map((p) => [podKey(p), JSON.stringify(p)]));
    const added = m.pods.filter((p) => !old.has(podKey(p))).length;
    const relabeled = m.pods.filter((p) => old.has(podKey(p)) && old.get(podKey(p)) !== JSON.stringify(p)).length;
    expect(added).toBeGreaterThan(0);
    expect(relabeled).toBeGreaterThan(0);
    expect(added + relabeled).toBeLessThan(c.pods.length * 0.02);
    const policies = new Map(c.networkPolicies.map((p) => [`${p.namespace}/${p.name}`, JSON.stringify(p.spec)]));
    const after = new Map(m.networkPolicies.map((p) => [`${p.namespace}/${p.name}`, JSON.stringify(p.spec)]));
    const removed = [...policies.keys()].filter((k) => !after.has(k)).length;
    const newOnes = [...after.keys()].filter((k) => !policies.has(k)).length;
    const edited = [...after].filter(([k, v]) => policies.has(k) && policies.get(k) !== v).length;
    expect(removed).toBeGreaterThan(0);
    expect(newOnes).toBeGreaterThan(0);
    expect(edited).toBeGreaterThan(0);
    expect(removed + newOnes + edited).toBeLessThan(c.networkPolicies.length * 0.03);
    expect(buildClusterModel(m).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(new Set(m.pods.map((p) => p.ips[0])).size).toBe(m.pods.length);
  });
});

describe('writers', () => {
  for (const workload of ['W1', 'W3'] as const) {
    for (const podDetail of ['kubectl', 'slim'] as const) {
      it(`${workload}: the manifest folder (${podDetail} pods) loads back to the same content`, async () => {
        const c = mutate(generateCluster({ workload, scale: 0.005, seed: 2 }), 0.01, 1);
        const dir = await tempDir();
        const { files } = await writeManifestFolder(c, dir, { podDetail, namespacesPerFile: 2 });
        expect(files).toEqual(expect.arrayContaining(['namespaces.yaml', 'nodes.yaml', 'pods.json', join('policies', 'network-policies-001.yaml')]));
        const { snapshot, problems } = await snapshotFromManifests(dir, { takenAt: '2026-01-01T00:00:00Z' });
        expect(problems).toEqual([]);
        expect(snapshot.contentHash).toBe(contentHash(c));
      });
    }
  }

  it('writes a snapshot file that reads back to the same snapshot', async () => {
    const s = syntheticSnapshot(generateCluster({ workload: 'W3', scale: 0.005, seed: 4 }));
    const file = join(await tempDir(), 'nested', 'snapshot.json');
    const bytes = await writeSnapshotJson(s, file);
    expect((await stat(file)).size).toBe(bytes);
    const back = await readSnapshotJson(file);
    expect(back).toEqual(s);
    expect(contentHash(back)).toBe(s.contentHash);
  });
});
