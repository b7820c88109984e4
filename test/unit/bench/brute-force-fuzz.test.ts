/**
 * Random small clusters (seeded, so failures reproduce) that combine the corners of the semantics: every
 * selector operator, empty vs absent lists, policyTypes defaulting, ipBlock with except over pod IPs (IPv4 and
 * IPv6), named ports with the wrong protocol, endPort, hostNetwork, terminal and IP-less pods, namespaces
 * without objects, and ANP/BANP with Allow/Deny/Pass, networks, nodes and unmodelled peers. The brute-force
 * evaluator and the engine must agree on every one, under every setting.
 */
import { describe, expect, it } from 'vitest';
import { bruteForceConnectivity, compareConnectivity } from '../../../src/bench/brute-force-evaluator.js';
import { Rng } from '../../../src/bench/synthetic-cluster.js';
import { analyseCluster } from '../../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../src/core/engine/workload-connectivity.js';
import { buildClusterModel } from '../../../src/core/model/cluster-model.js';
import type { SnapshotContent, SnapshotPod, SnapshotPolicy } from '../../../src/core/model/snapshot.js';

const NS = ['a', 'b', 'c'];
const APPS = ['web', 'api', 'db'];
const PORT_NAMES = ['http', 'dns', 'metrics'];

function randomCluster(seed: number): SnapshotContent {
  const r = new Rng(`fuzz|${seed}`);
  const v6 = r.chance(0.2);
  const ip = (i: number) => (v6 ? `fd00::${(i + 1).toString(16)}` : `10.0.${i >> 4}.${(i & 15) * 16 + 1}`);
  const labels = (): Record<string, string> => {
    const l: Record<string, string> = {};
    // values no selector names (batch, cron) must stay exact when classes merge them
    if (r.chance(0.9)) l['app'] = r.pick([...APPS, 'batch', 'cron']);
    if (r.chance(0.5)) l['tier'] = r.pick(['front', 'back']);
    if (r.chance(0.2)) l['x'] = '';
    return l;
  };
  const pods: SnapshotPod[] = [];
  const n = r.between(3, 9);
  for (let i = 0; i < n; i++) {
    const namespace = r.pick([...NS, 'implicit']);
    const terminal = r.chance(0.1);
    const ports = [];
    for (const name of PORT_NAMES) if (r.chance(0.5)) ports.push({ name, port: r.pick([53, 80, 8080, 9090]), protocol: r.pick(['TCP', 'TCP', 'UDP', 'SCTP'] as const) });
    if (r.chance(0.3)) ports.push({ port: 443, protocol: 'TCP' as const });
    const owned = r.chance(0.5);
    pods.push({
      namespace,
      name: `p${i}`,
      labels: labels(),
      workload: owned ? { kind: 'Deployment', name: `w${i % 3}` } : { kind: 'Pod', name: `p${i}` },
      ...(owned ? { owner: { kind: 'ReplicaSet', name: `w${i % 3}-abc` } } : {}),
      ips: r.chance(0.15) ? [] : [ip(i)],
      hostNetwork: r.chance(0.1),
      ...(terminal ? { phase: r.pick(['Succeeded', 'Failed']) } : { phase: 'Running' }),
      ports,
    });
  }
  const selector = () => {
    const s: Record<string, unknown> = {};
    if (r.chance(0.5)) s['matchLabels'] = r.chance(0.8) ? { app: r.pick(APPS) } : { x: '' };
    if (r.chance(0.4)) {
      const op = r.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      const key = r.pick(['app', 'tier', 'x', 'team']);
      s['matchExpressions'] = [{ key, operator: op, ...(op === 'In' || op === 'NotIn' ? { values: r.sample([...APPS, 'front', 'back', ''], r.between(1, 2)) } : {}) }];
    }
    return s;
  };
  const nsSelector = () => (r.chance(0.3) ? {} : r.chance(0.5) ? { matchLabels: { team: r.pick(['red', 'blue']) } } : { matchLabels: { 'kubernetes.io/metadata.name': r.pick([...NS, 'implicit']) } });
  const cidr = () => (v6 ? r.pick(['fd00::/120', 'fd00::/124', '::/0']) : r.pick(['10.0.0.0/16', '10.0.0.0/24', '0.0.0.0/0', '10.0.1.0/24', '192.168.0.0/16']));
  const except = (c: string) => {
    if (!r.chance(0.5)) return undefined;
    if (v6) return c === 'fd00::/120' ? ['fd00::/124'] : c === '::/0' ? ['fd00::/120'] : undefined;
    return c === '0.0.0.0/0' ? ['10.0.0.0/8'] : c === '10.0.0.0/16' ? ['10.0.0.0/24', '10.0.0.16/28'] : c === '10.0.0.0/24' ? ['10.0.0.0/28'] : undefined;
  };
  const peer = () => {
    const k = r.int(4);
    if (k === 0) return { podSelector: selector() };
    if (k === 1) return { namespaceSelector: nsSelector() };
    if (k === 2) return { namespaceSelector: nsSelector(), podSelector: selector() };
    const c = cidr();
    const e = except(c);
    return { ipBlock: { cidr: c, ...(e ? { except: e } : {}) } };
  };
  const port = () => {
    const k = r.int(4);
    const protocol = r.chance(0.3) ? { protocol: r.pick(['TCP', 'UDP', 'SCTP']) } : {};
    if (k === 0) return { ...protocol, port: r.pick(PORT_NAMES) };
    if (k === 1) return { ...protocol, port: r.pick([53, 80, 8080]) };
    if (k === 2) return { ...protocol, port: 8000, endPort: r.pick([8080, 9090]) };
    return { protocol: r.pick(['TCP', 'UDP']) };
  };
  const rule = (dir: 'from' | 'to') => {
    const x: Record<string, unknown> = {};
    if (r.chance(0.7)) x[dir] = r.chance(0.1) ? [] : Array.from({ length: r.between(1, 2) }, peer);
    if (r.chance(0.6)) x['ports'] = r.chance(0.1) ? [] : Array.from({ length: r.between(1, 2) }, port);
    return x;
  };
  const networkPolicies: SnapshotPolicy[] = [];
  for (let i = r.between(0, 4); i > 0; i--) {
    const spec: Record<string, unknown> = { podSelector: r.chance(0.3) ? {} : selector() };
    if (r.chance(0.6)) spec['ingress'] = r.chance(0.15) ? [] : Array.from({ length: r.between(1, 2) }, () => rule('from'));
    if (r.chance(0.6)) spec['egress'] = r.chance(0.15) ? [] : Array.from({ length: r.between(1, 2) }, () => rule('to'));
    if (r.chance(0.5)) spec['policyTypes'] = r.pick([['Ingress'], ['Egress'], ['Ingress', 'Egress'], []]);
    networkPolicies.push({ namespace: r.pick(NS), name: `np${i}`, spec });
  }
  const action = (baseline: boolean) => (baseline ? r.pick(['Allow', 'Deny']) : r.pick(['Allow', 'Deny', 'Pass']));
  const adminPeer = (dir: 'ingress' | 'egress') => {
    const k = r.int(dir === 'egress' ? 5 : 3);
    if (k === 0) return { namespaces: nsSelector() };
    if (k === 1) return { pods: { namespaceSelector: nsSelector(), podSelector: selector() } };
    if (k === 2) return r.chance(0.3) ? {} : { pods: { namespaceSelector: {}, podSelector: selector() } };
    if (k === 3) return { networks: [cidr()] };
    return r.chance(0.5) ? { nodes: { matchLabels: { zone: 'z1' } } } : { domainNames: ['example.com'] };
  };
  const adminPort = () => {
    const k = r.int(3);
    if (k === 0) return { portNumber: { protocol: r.pick(['TCP', 'UDP']), port: r.pick([53, 80, 8080]) } };
    if (k === 1) return { portRange: { protocol: 'TCP', start: 8000, end: 9000 } };
    return { namedPort: r.pick(PORT_NAMES) };
  };
  const adminRules = (dir: 'ingress' | 'egress', baseline: boolean) =>
    Array.from({ length: r.between(0, 3) }, (_, i) => ({
      name: `r${i}`,
      action: action(baseline),
      [dir === 'ingress' ? 'from' : 'to']: Array.from({ length: r.between(1, 2) }, () => adminPeer(dir)),
      ...(r.chance(0.5) ? { ports: Array.from({ length: r.between(1, 2) }, adminPort) } : {}),
    }));
  const subject = () => (r.chance(0.5) ? { namespaces: nsSelector() } : { pods: { namespaceSelector: nsSelector(), podSelector: selector() } });
  const adminNetworkPolicies: SnapshotPolicy[] = [];
  for (let i = r.chance(0.5) ? r.between(1, 2) : 0; i > 0; i--) {
    adminNetworkPolicies.push({ name: `anp${i}`, spec: { priority: r.pick([1, 5, 5]), subject: subject(), ingress: adminRules('ingress', false), egress: adminRules('egress', false) } });
  }
  const baselineAdminNetworkPolicies: SnapshotPolicy[] = r.chance(0.3) ? [{ name: 'default', spec: { subject: subject(), ingress: adminRules('ingress', true), egress: adminRules('egress', true) } }] : [];
  return {
    namespaces: [
      { name: 'a', labels: { team: 'red' } },
      { name: 'b', labels: { team: 'blue' } },
      { name: 'c', labels: {} },
    ],
    pods,
    networkPolicies,
    adminNetworkPolicies,
    baselineAdminNetworkPolicies,
    nodes: [{ name: 'n1', labels: { zone: 'z1' }, addresses: [v6 ? 'fd00::1' : '10.0.0.1', '192.168.1.1'] }],
  };
}

const SETTINGS: EngineSettings[] = [];
for (const ipBlockPods of ['match', 'ignore'] as const) for (const hostNetwork of ['pod', 'node'] as const) for (const ipFamilies of ['auto', 'dual'] as const) SETTINGS.push({ ...DEFAULT_ENGINE_SETTINGS, ipBlockPods, hostNetwork, ipFamilies });

describe('brute force vs engine on random clusters', () => {
  it('agree on 400 seeded random clusters under 8 setting combinations', () => {
    const failures: string[] = [];
    let compared = 0;
    for (let seed = 0; seed < 400; seed++) {
      const content = randomCluster(seed);
      const { model, problems } = buildClusterModel(content);
      if (problems.some((p) => p.severity === 'error')) continue; // the generator may write an invalid policy; both skip those
      for (const settings of SETTINGS) {
        const engine = workloadConnectivity(analyseCluster(model, settings));
        const cmp = compareConnectivity(engine, bruteForceConnectivity(content, settings));
        compared++;
        if (!cmp.equal) {
          failures.push(`seed ${seed} ${JSON.stringify(settings)}: engine only ${JSON.stringify(cmp.missing)}, brute only ${JSON.stringify(cmp.unexpected)}`);
          break;
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(2000);
  });
});
