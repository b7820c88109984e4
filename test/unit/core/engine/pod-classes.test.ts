/**
 * Pod classes tell pods apart only by what selectors can see: the label keys they use and the values they
 * name. Per-pod labels (pod names, instance ids, hashes) that no selector names keep pods in one class.
 */
import { describe, expect, it } from 'vitest';
import { analyse, between, connectivity, netpol, ns, pod, snapshotOf } from '../../../support/cluster-fixture.js';
import { buildClusterModel } from '../../../../src/core/model/cluster-model.js';
import { selectorMatches } from '../../../../src/core/model/label-selector.js';
import { analysePolicies } from '../../../../src/core/engine/analyse-cluster.js';

const classOf = (a: ReturnType<typeof analyse>, name: string) => a.classes.findIndex((c) => c.pods.some((p) => p.name === name));

describe('pod classes', () => {
  const pinned = [
    ns('a'),
    ...Array.from({ length: 6 }, (_, i) => pod('a', `p${i}`, { labels: { app: 'web', instance: `p${i}` } })),
    pod('a', 'client', { labels: { app: 'client' } }),
    netpol('a', 'pin', {
      podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: ['p0', 'p1'] }] },
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'instance', operator: 'NotIn', values: ['p2'] }] } }] }],
    }),
  ];

  it('keeps pods whose values no selector names in one class', () => {
    const a = analyse(pinned);
    // p0, p1 and p2 are named; p3..p5 carry unnamed values of the same key; client lacks the key
    expect(a.classes).toHaveLength(5);
    expect(classOf(a, 'p3')).toBe(classOf(a, 'p4'));
    expect(classOf(a, 'p3')).toBe(classOf(a, 'p5'));
    expect(new Set(['p0', 'p1', 'p2', 'p3', 'client'].map((n) => classOf(a, n))).size).toBe(5);
  });

  it('still evaluates In and NotIn exactly for every pod of a merged class', () => {
    const c = connectivity(pinned);
    expect(between(c, 'a/p3[Pod]', 'a/p0[Pod]')).toBe('All Connections'); // p3: instance not in [p2]
    expect(between(c, 'a/p5[Pod]', 'a/p1[Pod]')).toBe('All Connections');
    expect(between(c, 'a/client[Pod]', 'a/p0[Pod]')).toBe('All Connections'); // no instance label: NotIn holds
    expect(between(c, 'a/p2[Pod]', 'a/p0[Pod]')).toBe('none');
    expect(between(c, 'a/p2[Pod]', 'a/p4[Pod]')).toBe('All Connections'); // p4 is not selected by the policy
  });

  it('splits a StatefulSet only at the pod a selector names', () => {
    const objects = [
      ns('data'),
      ...[0, 1, 2, 3].map((i) => pod('data', `db-${i}`, { labels: { app: 'db', 'statefulset.kubernetes.io/pod-name': `db-${i}` } })),
      pod('data', 'api', { labels: { app: 'api' } }),
      netpol('data', 'primary-from-api', {
        podSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432 }] }],
      }),
    ];
    const a = analyse(objects);
    expect(a.classes).toHaveLength(3);
    const c = connectivity(objects);
    expect(between(c, 'data/api[Pod]', 'data/db-0[Pod]')).toBe('TCP 5432');
    expect(between(c, 'data/db-1[Pod]', 'data/db-0[Pod]')).toBe('none');
    expect(between(c, 'data/db-0[Pod]', 'data/db-3[Pod]')).toBe('All Connections');
  });

  it('tells pods apart only by presence when a key is tested with Exists alone', () => {
    const objects = [
      ns('a'),
      pod('a', 'x', { labels: { tier: 'front' } }),
      pod('a', 'y', { labels: { tier: 'back' } }),
      pod('a', 'z', { labels: {} }),
      netpol('a', 'tiered', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, ingress: [] }),
    ];
    const a = analyse(objects);
    expect(a.classes).toHaveLength(2);
    expect(classOf(a, 'x')).toBe(classOf(a, 'y'));
    const c = connectivity(objects);
    expect(between(c, 'a/z[Pod]', 'a/x[Pod]')).toBe('none');
    expect(between(c, 'a/x[Pod]', 'a/z[Pod]')).toBe('All Connections');
  });

  it('matches namespace selectors exactly when they are looked up by label (In) and then checked in full', () => {
    const objects = [
      ns('a', { env: 'prod', team: 'red' }),
      ns('b', { env: 'prod', team: 'blue' }),
      ns('c', { env: 'dev', team: 'red' }),
      ns('d', { team: 'red' }),
      ...['a', 'b', 'c', 'd'].map((n) => pod(n, 'client', { labels: { app: 'client' } })),
      pod('a', 'server', { labels: { app: 'server' } }),
      netpol('a', 'from-prod-but-blue', {
        podSelector: { matchLabels: { app: 'server' } },
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }, { key: 'team', operator: 'NotIn', values: ['blue'] }] } }] }],
      }),
    ];
    const c = connectivity(objects);
    expect(between(c, 'a/client[Pod]', 'a/server[Pod]')).toBe('All Connections');
    for (const other of ['b', 'c', 'd']) expect(between(c, `${other}/client[Pod]`, 'a/server[Pod]')).toBe('none');
  });

  it('matches a selector inside a set exactly as over all classes and then intersected, first time and from the memo', () => {
    const objects = [
      ns('a', { team: 'x' }),
      ns('b', { team: 'y' }),
      ...['a', 'b'].flatMap((n) => Array.from({ length: 40 }, (_, i) => pod(n, `p${i}`, { labels: { app: i % 2 ? 'web' : 'db', instance: `${n}${i}`, ...(i % 3 ? { tier: 'x' } : {}) } }))),
      netpol('a', 'sel', {
        podSelector: {},
        ingress: [
          {
            from: [
              { podSelector: { matchExpressions: [{ key: 'instance', operator: 'NotIn', values: ['a1', 'a2', 'b3'] }, { key: 'tier', operator: 'Exists' }] } },
              { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: ['a5', 'b7', 'b9'] }] } },
              { namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }, { key: 'tier', operator: 'DoesNotExist' }] } },
            ],
          },
        ],
      }),
    ];
    const a = analyse(objects);
    const sels = a.model.networkPolicies[0]!.ingress[0]!.peers!.map((p) => (p.kind === 'pods' ? p.podSelector : undefined)!);
    const scopes = [a.index.namespaceClasses('a'), a.index.namespaceClasses('b'), a.index.selectable];
    // a fresh index: the first call per selector is evaluated inside the set, later ones use the memo
    const fresh = analyse(objects).index;
    // the compiler's peer sets are the same when rebuilt after its caches were dropped
    const peers = a.model.networkPolicies[0]!.ingress[0]!.peers!;
    const before = peers.map((p) => a.compiler.networkPolicyPeer('a', p).toArray());
    a.compiler.forgetPeers();
    expect(peers.map((p) => a.compiler.networkPolicyPeer('a', p).toArray())).toEqual(before);
    for (const sel of sels) {
      const global = a.index.podSelectorMatches(sel);
      expect(global.isEmpty).toBe(false);
      for (const within of scopes) {
        const expected = within.and(global).toArray();
        expect(fresh.podSelectorMatches(sel, within).toArray()).toEqual(expected);
        expect(fresh.podSelectorMatches(sel, within).toArray()).toEqual(expected);
      }
    }
  });
});

describe('selectors naming a few pods across many classes', () => {
  it('picks the classes an In list names out of a wide set exactly, keeping only those inside it', () => {
    const spaces = ['a', 'b', 'c'];
    const values = spaces.flatMap((n) => Array.from({ length: 200 }, (_, i) => `${n}${i}`));
    const objects = [
      ...spaces.map((n) => ns(n)),
      ...spaces.flatMap((n) => Array.from({ length: 200 }, (_, i) => pod(n, `p${i}`, { labels: { instance: `${n}${i}` } }))),
      // every value is named somewhere: each pod is a class of its own
      netpol('a', 'all', { podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values }] }, policyTypes: ['Ingress'] }),
      netpol('a', 'few', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: ['c150', 'b7'] }] } }] }] }),
    ];
    const a = analyse(objects);
    expect(a.classes.length).toBeGreaterThanOrEqual(600);
    const peer = a.model.networkPolicies.find((p) => p.name === 'few')!.ingress[0]!.peers![0]!;
    if (peer.kind !== 'pods') throw new Error('expected a pod peer');
    const sel = peer.podSelector;
    const expectedIn = (within: ReturnType<typeof a.index.namespaceClasses>) =>
      a.classes.filter((c) => within.has(c.id) && c.selectable && selectorMatches(sel, c.labels)).map((c) => c.id);
    // a and c: a set as wide as the cluster, holding c150 but not b7 (two values: picked id by id)
    const aAndC = a.index.namespaceClasses('a').or(a.index.namespaceClasses('c'));
    for (const within of [aAndC, a.index.selectable, a.index.namespaceClasses('b')]) {
      // before any rule is compiled: the first meeting evaluates the selector inside `within`
      const fresh = analysePolicies(buildClusterModel(snapshotOf(objects).snapshot).model).index;
      expect(fresh.podSelectorMatches(sel, within).toArray()).toEqual(expectedIn(within));
    }
    expect(expectedIn(aAndC).map((id) => a.classes[id]!.pods[0]!.name)).toEqual(['p150']);
    expect(a.index.podSelectorMatches(sel).toArray()).toEqual(expectedIn(a.index.selectable));
    expect(a.index.podSelectorMatches(sel).size).toBe(2);
  });
});

describe('ingress groups and named ports', () => {
  const ports = (http: number, first: 'http' | 'metrics') => {
    const list = [
      { name: 'http', containerPort: http },
      { name: 'metrics', containerPort: 9090 },
    ];
    return first === 'http' ? list : list.reverse();
  };
  const objects = [
    ns('a'),
    pod('a', 'x', { labels: { app: 'x' }, ports: ports(8080, 'http') }),
    pod('a', 'y', { labels: { app: 'y' }, ports: ports(8080, 'metrics') }),
    pod('a', 'z', { labels: { app: 'z' }, ports: ports(8081, 'http') }),
    pod('a', 'client', { labels: { role: 'client' } }),
    netpol('a', 'web', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['x', 'y', 'z'] }] },
      ingress: [{ ports: [{ port: 'http' }, { port: 'metrics' }] }],
    }),
  ];

  it('share one ingress evaluation between classes with the same policies and bindings, in any declared order', () => {
    const a = analyse(objects);
    const [x, y, z] = ['x', 'y', 'z'].map((n) => classOf(a, n));
    expect(new Set([x, y, z]).size).toBe(3); // app values named by the selector split them
    expect(a.ingress[x!]!.group).toBe(a.ingress[y!]!.group);
    expect(a.ingress[z!]!.group).not.toBe(a.ingress[x!]!.group); // http resolves to another number
    expect(a.ingress[x!]!.networkPolicies).toEqual(['a/web']);
  });

  it('resolve the named port on each class of a shared group alike, and apart where the numbers differ', () => {
    const c = connectivity(objects);
    expect(between(c, 'a/client[Pod]', 'a/x[Pod]')).toBe('TCP 8080,9090');
    expect(between(c, 'a/client[Pod]', 'a/y[Pod]')).toBe('TCP 8080,9090');
    expect(between(c, 'a/client[Pod]', 'a/z[Pod]')).toBe('TCP 8081,9090');
  });
});

describe('the cluster model', () => {
  it('keeps the snapshot pod objects, except that a finished pod is modelled without its IPs', () => {
    const { snapshot } = snapshotOf([
      ns('a'),
      pod('a', 'running', { ip: '10.0.0.4', phase: 'Running' }),
      pod('a', 'done', { ip: '10.0.0.5', phase: 'Succeeded' }),
    ]);
    const { model } = buildClusterModel(snapshot);
    const byName = <P extends { name: string }>(pods: readonly P[], name: string) => pods.find((p) => p.name === name);
    expect(byName(model.pods, 'running')).toBe(byName(snapshot.pods, 'running'));
    expect(byName(model.pods, 'done')!.ips).toEqual([]);
    expect(byName(snapshot.pods, 'done')!.ips).toEqual(['10.0.0.5']); // the snapshot itself is left alone
    expect(byName(model.pods, 'done')).toMatchObject({ phase: 'Succeeded', workload: byName(snapshot.pods, 'done')!.workload });
  });
});
