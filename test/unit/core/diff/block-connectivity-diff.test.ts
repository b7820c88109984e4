/**
 * The connectivity diff from reach blocks equals the reference diff of two complete listings — on the public
 * diff pairs, on generated clusters and their 1% mutations, and on 600 random clusters each with one random
 * edit under eight setting combinations — while comparing only the rows of the workloads that can have
 * changed (changed-workloads.ts), which these tests also check are few where the edit is small.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromManifests } from '../../../../src/app/manifest-snapshot.js';
import { generateCluster, mutate } from '../../../../src/bench/synthetic-cluster.js';
import { blockConnectivityDiff } from '../../../../src/core/diff/block-connectivity-diff.js';
import { changedWorkloads } from '../../../../src/core/diff/changed-workloads.js';
import { diffConnectivity, type ConnectivityChange } from '../../../../src/core/diff/connectivity-diff.js';
import { analysePolicies, completeAnalysis, type PolicyAnalysis } from '../../../../src/core/engine/analyse-cluster.js';
import { ConnectionListLimitError, CELLS_PER_LISTED_PAIR } from '../../../../src/core/engine/block-connectivity.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../../src/core/engine/workload-connectivity.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import { connectionSetKey } from '../../../../src/core/model/connection-set.js';
import type { SnapshotContent } from '../../../../src/core/model/snapshot.js';
import { anp, netpol, ns, pod, snapshotOf } from '../../../support/cluster-fixture.js';
import { CONFORMANCE_CORPUS } from '../../../support/conformance-cases.js';
import { EDIT_KINDS, randomCluster, randomEdit } from '../../../support/random-cluster.js';

const text = (list: readonly ConnectivityChange[]) =>
  list.map((c) => `${c.type} ${c.src} -> ${c.dst}: ${c.before ? connectionSetKey(c.before) : '-'} => ${c.after ? connectionSetKey(c.after) : '-'}${c.workloadChange ? ` (${c.workloadChange.workload} ${c.workloadChange.change})` : ''}`);

const policies = (content: SnapshotContent, settings: EngineSettings): PolicyAnalysis => analysePolicies(buildClusterModel(content).model, settings);

/** The diff from blocks and the reference, each side analysed afresh; with the changed workloads. */
function both(b: SnapshotContent, a: SnapshotContent, settings: EngineSettings = DEFAULT_ENGINE_SETTINGS, chunkCells?: number) {
  const reference = diffConnectivity(workloadConnectivity(completeAnalysis(policies(b, settings))), workloadConnectivity(completeAnalysis(policies(a, settings))));
  const before = policies(b, settings);
  const after = policies(a, settings);
  const changed = changedWorkloads(before, after);
  return { blocks: text(blockConnectivityDiff(before, after, chunkCells ? { chunkCells } : {})), reference: text(reference), changed };
}

const objects = (list: unknown[]) => snapshotOf(list).snapshot;

describe('the connectivity diff from reach blocks', () => {
  it('equals the reference on every public diff pair, under both ipBlock settings', async () => {
    expect(existsSync(CONFORMANCE_CORPUS)).toBe(true);
    const pairs = readFileSync(join(CONFORMANCE_CORPUS, 'diff-pairs.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
    const load = async (n: string | undefined) => (await snapshotFromManifests(join(CONFORMANCE_CORPUS, 'cases', n!), { takenAt: '2026-01-01T00:00:00Z' })).snapshot;
    let changes = 0;
    for (const [b, a] of pairs) {
      const [sb, sa] = [await load(b), await load(a)];
      for (const ipBlockPods of ['ignore', 'match'] as const) {
        const r = both(sb, sa, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods, peerSets: ipBlockPods === 'match' ? 'runs' : 'auto' });
        expect(r.blocks, `${a} vs ${b} (${ipBlockPods})`).toEqual(r.reference);
        changes += r.reference.length;
      }
    }
    expect(changes).toBeGreaterThan(2000);
  }, 180_000);

  it('equals the reference on generated W1, W2 and W3 and their 2% mutations, comparing a minority of the workloads, in one chunk or many', () => {
    for (const workload of ['W1', 'W2', 'W3'] as const) {
      let changes = 0;
      for (const seed of [1, 2]) {
        const base = generateCluster({ workload, scale: 0.02, seed });
        const mutated = mutate(base, 0.02, seed + 7);
        for (const chunkCells of [undefined, 500]) {
          const r = both(base, mutated, DEFAULT_ENGINE_SETTINGS, chunkCells);
          expect(r.blocks, `${workload} seed ${seed} chunk ${chunkCells}`).toEqual(r.reference);
          changes += r.reference.length;
          const workloads = new Set(base.pods.map((p) => `${p.namespace}/${p.workload.name}`)).size;
          expect(r.changed.all).toBe(false);
          expect(new Set([...r.changed.sources, ...r.changed.destinations]).size, `${workload} seed ${seed}: changed workloads`).toBeLessThan(workloads / 2);
        }
      }
      expect(changes, `${workload}: the mutations change something`).toBeGreaterThan(0);
    }
  }, 180_000);

  it('equals the reference on 600 random clusters with one random edit each, under eight setting combinations', () => {
    const settingsList: EngineSettings[] = [];
    // the reach rules' peers alternate between runs and words (small sets would otherwise stay words)
    for (const ipBlockPods of ['match', 'ignore'] as const) for (const hostNetwork of ['pod', 'node'] as const) for (const ipFamilies of ['auto', 'dual'] as const) settingsList.push({ ...DEFAULT_ENGINE_SETTINGS, ipBlockPods, hostNetwork, ipFamilies, peerSets: settingsList.length % 2 ? 'runs' : 'words' });
    const failures: string[] = [];
    const changesBy = new Map<string, number>();
    let compared = 0;
    let partial = 0;
    for (let seed = 0; seed < 600; seed++) {
      const base = randomCluster(seed);
      const kind = EDIT_KINDS[seed % EDIT_KINDS.length]!;
      const edited = randomEdit(base, seed, kind);
      if ([base, edited].some((c) => buildClusterModel(c).problems.some((p) => p.severity === 'error'))) continue;
      for (const settings of settingsList) {
        const r = both(base, edited, settings);
        compared++;
        if (!r.changed.all && new Set([...r.changed.sources, ...r.changed.destinations]).size < new Set(base.pods.map((p) => `${p.namespace}/${p.workload.name}`)).size) partial++;
        changesBy.set(kind, (changesBy.get(kind) ?? 0) + r.reference.length);
        if (JSON.stringify(r.blocks) !== JSON.stringify(r.reference)) {
          failures.push(`seed ${seed} (${kind}) ${JSON.stringify(settings)}: blocks ${JSON.stringify(r.blocks)} reference ${JSON.stringify(r.reference)}`);
          break;
        }
      }
    }
    expect(failures.slice(0, 3)).toEqual([]);
    expect(compared).toBeGreaterThan(3000);
    // the edits are small: most comparisons skip some workloads, and every kind of edit changes connections somewhere
    expect(partial).toBeGreaterThan(compared / 2);
    for (const kind of EDIT_KINDS) expect(changesBy.get(kind) ?? 0, kind).toBeGreaterThan(0);
  }, 300_000);

  it('compares every workload when the engine settings differ between the sides', () => {
    const content = objects([ns('a'), pod('a', 'x', { ip: '10.0.0.1' }), pod('a', 'y', { ip: '10.0.0.2' }), netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }] })]);
    const before = policies(content, DEFAULT_ENGINE_SETTINGS);
    const after = policies(content, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore' });
    const changed = changedWorkloads(before, after);
    expect(changed).toMatchObject({ all: true, reason: 'the engine settings differ' });
    const reference = diffConnectivity(workloadConnectivity(completeAnalysis(policies(content, DEFAULT_ENGINE_SETTINGS))), workloadConnectivity(completeAnalysis(policies(content, { ...DEFAULT_ENGINE_SETTINGS, ipBlockPods: 'ignore' }))));
    expect(text(blockConnectivityDiff(before, after))).toEqual(text(reference));
    expect(reference.length).toBeGreaterThan(0);
  });

  it('marks as changed exactly the workloads a small edit can touch', () => {
    const base = [
      ns('a', { team: 'red' }),
      ns('b'),
      pod('a', 'x', { labels: { app: 'x' }, ports: [{ name: 'http', containerPort: 80 }] }),
      pod('a', 'y', { labels: { app: 'y' } }),
      pod('b', 'z', { labels: { app: 'z' } }),
      pod('b', 'w', { labels: { app: 'w' } }),
      netpol('a', 'http-only', { podSelector: { matchLabels: { app: 'x' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
      netpol('b', 'from-red', { podSelector: { matchLabels: { app: 'z' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'red' } } }] }] }),
    ];
    const changed = (edited: unknown[]) => {
      const c = changedWorkloads(policies(objects(base), DEFAULT_ENGINE_SETTINGS), policies(objects(edited), DEFAULT_ENGINE_SETTINGS));
      return { sources: [...c.sources].sort(), destinations: [...c.destinations].sort() };
    };
    const both = (...keys: string[]) => ({ sources: keys, destinations: keys });
    // nothing changed
    expect(changed(base)).toEqual(both());
    // a namespace relabelled: its workloads, both ways (peers see them)
    expect(changed([ns('a', { team: 'blue' }), ...base.slice(1)])).toEqual(both('a/x[Pod]', 'a/y[Pod]'));
    // a named port a policy names renumbered: that workload; a port no policy names, or a label key no selector names: nothing
    expect(changed(base.map((o, i) => (i === 2 ? pod('a', 'x', { labels: { app: 'x' }, ports: [{ name: 'http', containerPort: 8080 }] }) : o)))).toEqual(both('a/x[Pod]'));
    expect(changed(base.map((o, i) => (i === 2 ? pod('a', 'x', { labels: { app: 'x' }, ports: [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9090 }] }) : o)))).toEqual(both());
    expect(changed(base.map((o, i) => (i === 3 ? pod('a', 'y', { labels: { app: 'y', version: 'v2' } }) : o)))).toEqual(both());
    expect(changed(base.map((o, i) => (i === 3 ? pod('a', 'y', { labels: { app: 'z' } }) : o)))).toEqual(both('a/y[Pod]'));
    // an ingress policy edited: its subjects on both sides, as destinations only
    expect(changed(base.map((o, i) => (i === 7 ? netpol('b', 'from-red', { podSelector: { matchLabels: { app: 'w' } }, ingress: [{}] }) : o)))).toEqual({ sources: [], destinations: ['b/w[Pod]', 'b/z[Pod]'] });
    // a default deny of egress without rules added: its subjects, as sources only
    expect(changed([...base, netpol('b', 'deny-all', { podSelector: {}, policyTypes: ['Egress'] })])).toEqual({ sources: ['b/w[Pod]', 'b/z[Pod]'], destinations: [] });
    // an admin policy with ingress rules added: its subjects, as destinations
    expect(changed([...base, anp('pin', { priority: 1, subject: { namespaces: { matchLabels: { team: 'red' } } }, ingress: [{ name: 'd', action: 'Deny', from: [{ namespaces: {} }] }] })])).toEqual({ sources: [], destinations: ['a/x[Pod]', 'a/y[Pod]'] });
  });

  it("compares a workload's pods as a set of looks, whatever their order on either side", () => {
    const db = (name: string, role: string) => pod('b', name, { labels: { app: 'db', role }, owner: { kind: 'StatefulSet', name: 'db' } });
    const base = [ns('b'), db('db-0', 'primary'), db('db-1', 'replica'), netpol('b', 'primary-only', { podSelector: { matchLabels: { role: 'primary' } }, ingress: [{}] })];
    const changed = (edited: unknown[]) => {
      const c = changedWorkloads(policies(objects(base), DEFAULT_ENGINE_SETTINGS), policies(objects(edited), DEFAULT_ENGINE_SETTINGS));
      return [...c.sources].sort();
    };
    // listed the other way round: pod by pod they differ, as sets of looks they do not
    expect(changed([base[0], base[2], base[1], base[3]])).toEqual([]);
    // the roles swapped between the pods: the same looks
    expect(changed([base[0], db('db-0', 'replica'), db('db-1', 'primary'), base[3]])).toEqual([]);
    // a pod renamed with the same look (a rollout): the same looks
    expect(changed([base[0], base[1], db('db-2', 'replica'), base[3]])).toEqual([]);
    // both replicas now: a look gone
    expect(changed([base[0], db('db-0', 'replica'), base[2], base[3]])).toEqual(['b/db[StatefulSet]']);
  });

  it('refuses past the listing limit with an explanation', () => {
    const base = generateCluster({ workload: 'W2', scale: 0.02, seed: 1 });
    const mutated = mutate(base, 0.05, 3);
    const settings = { ...DEFAULT_ENGINE_SETTINGS, maxPairCells: 3 * CELLS_PER_LISTED_PAIR };
    expect(() => blockConnectivityDiff(policies(base, settings), policies(mutated, settings))).toThrow(ConnectionListLimitError);
  });
});
