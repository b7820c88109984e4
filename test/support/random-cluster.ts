/**
 * Random small clusters (seeded, so failures reproduce) that combine the corners of the semantics: every
 * selector operator, empty vs absent lists, policyTypes defaulting, ipBlock with except over pod IPs (IPv4 and
 * IPv6), named ports with the wrong protocol, endPort, hostNetwork, terminal and IP-less pods, namespaces
 * without objects, and ANP/BANP with Allow/Deny/Pass, networks, nodes and unmodelled peers; and small random
 * edits of them, one thing a policy can see or one policy at a time (for diffs).
 */
import { Rng } from '../../src/bench/synthetic-cluster.js';
import type { SnapshotContent, SnapshotPod, SnapshotPolicy } from '../../src/core/model/snapshot.js';

const NS = ['a', 'b', 'c'];
const APPS = ['web', 'api', 'db'];
const PORT_NAMES = ['http', 'dns', 'metrics'];

export function randomCluster(seed: number): SnapshotContent {
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


/** The kinds of edit randomEdit makes, one per call. */
export const EDIT_KINDS = [
  'pod labels',
  'pod ports',
  'pod IPs',
  'pod hostNetwork',
  'pod workload',
  'pod added',
  'pod removed',
  'namespace labels',
  'NetworkPolicy edited',
  'NetworkPolicy added',
  'NetworkPolicy removed',
  'AdminNetworkPolicy edited',
  'AdminNetworkPolicy added or removed',
  'BaselineAdminNetworkPolicy changed',
  'node labels',
] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

/**
 * One small random edit of a random cluster: one pod, namespace, policy or node changed in one respect, its new
 * values borrowed from another random cluster (so they stay within what the generator writes).
 */
export function randomEdit(content: SnapshotContent, seed: number, kind: EditKind = EDIT_KINDS[seed % EDIT_KINDS.length]!): SnapshotContent {
  const r = new Rng(`edit|${seed}`);
  const donor = randomCluster(seed + 100_000);
  const pods = [...content.pods];
  const nps = [...content.networkPolicies];
  const anps = [...content.adminNetworkPolicies];
  const someDonorPod = () => (donor.pods.length ? r.pick(donor.pods) : undefined);
  const editPod = (f: (p: SnapshotPod) => SnapshotPod) => {
    if (!pods.length) return;
    const i = r.int(pods.length);
    pods[i] = f(pods[i]!);
  };
  const donorSpec = (list: readonly SnapshotPolicy[]) => (list.length ? r.pick(list).spec : undefined);
  /** One policy of `list` gets the spec of one of the donor's. */
  const respec = (list: SnapshotPolicy[], donors: readonly SnapshotPolicy[]) => {
    const spec = donorSpec(donors);
    if (!list.length || !spec) return;
    const i = r.int(list.length);
    list[i] = { ...list[i]!, spec };
  };
  let namespaces = content.namespaces;
  let nodes = content.nodes;
  let baseline = content.baselineAdminNetworkPolicies;
  switch (kind) {
    case 'pod labels':
      editPod((p) => ({ ...p, labels: someDonorPod()?.labels ?? {} }));
      break;
    case 'pod ports':
      editPod((p) => ({ ...p, ports: someDonorPod()?.ports ?? [] }));
      break;
    case 'pod IPs':
      editPod((p) => ({ ...p, ips: p.ips.length && r.chance(0.3) ? [] : [r.pick(['10.0.0.17', '10.0.1.5', '192.168.3.3', 'fd00::33', '10.0.0.1'])] }));
      break;
    case 'pod hostNetwork':
      editPod((p) => ({ ...p, hostNetwork: !p.hostNetwork }));
      break;
    case 'pod workload':
      editPod((p) => ({ ...p, workload: { kind: 'Deployment', name: r.pick(['w0', 'w1', 'w2', 'w9']) } }));
      break;
    case 'pod added': {
      const d = someDonorPod();
      if (d) pods.push({ ...d, name: `added-${seed}` });
      break;
    }
    case 'pod removed':
      if (pods.length) pods.splice(r.int(pods.length), 1);
      break;
    case 'namespace labels': {
      const i = r.int(namespaces.length);
      namespaces = namespaces.map((n, j) => (j === i ? { ...n, labels: r.chance(0.5) ? {} : { team: r.pick(['red', 'blue', 'green']) } } : n));
      break;
    }
    case 'NetworkPolicy edited':
      respec(nps, donor.networkPolicies);
      break;
    case 'NetworkPolicy added': {
      const spec = donorSpec(donor.networkPolicies);
      if (spec) nps.push({ namespace: r.pick(NS), name: `added-${seed}`, spec });
      break;
    }
    case 'NetworkPolicy removed':
      if (nps.length) nps.splice(r.int(nps.length), 1);
      break;
    case 'AdminNetworkPolicy edited':
      respec(anps, donor.adminNetworkPolicies);
      break;
    case 'AdminNetworkPolicy added or removed': {
      const spec = donorSpec(donor.adminNetworkPolicies);
      if (anps.length && r.chance(0.5)) anps.splice(r.int(anps.length), 1);
      else if (spec) anps.push({ name: `added-${seed}`, spec });
      break;
    }
    case 'BaselineAdminNetworkPolicy changed':
      baseline = baseline.length && r.chance(0.3) ? [] : donor.baselineAdminNetworkPolicies.length ? donor.baselineAdminNetworkPolicies : baseline;
      break;
    case 'node labels':
      nodes = nodes.map((n) => ({ ...n, labels: { zone: n.labels['zone'] === 'z1' ? 'z2' : 'z1' } }));
      break;
  }
  return { ...content, namespaces, pods, networkPolicies: nps, adminNetworkPolicies: anps, baselineAdminNetworkPolicies: baseline, nodes };
}
