/**
 * Deterministic synthetic clusters for benchmarks and reference checks (issue 7). Pure: the same options
 * give the same snapshot content, byte for byte; randomness comes from a seeded PRNG, never Math.random.
 *
 * - W1: 1,000 namespaces x 100 pods (scale 1), ~10 NetworkPolicies per namespace: namespace default-deny,
 *   DNS egress to kube-system/kube-dns, app-to-app allows by podSelector, cross-namespace allows
 *   (namespaceSelector + podSelector), monitoring and ingress-controller allows on named ports, ipBlock egress
 *   with except, a few port ranges. Pods belong to Deployments (ReplicaSet owner + pod-template-hash),
 *   StatefulSets and a hostNetwork DaemonSet, with realistic labels, 10.64.0.0/13 pod IPs (a /24 per node) and
 *   named container ports.
 * - W2: as W1, but only 30% of the namespaces have any policy (dense connectivity).
 * - W3: adversarial: every pod carries a unique `instance` label that many policies reference (In and NotIn
 *   over samples of pods across namespaces), ipBlocks over the pod range with many overlapping exceptions,
 *   named ports whose number and protocol differ from pod to pod, and a few admin policies.
 *
 * `scale` multiplies the namespace count (100 pods each): scale 0.02 gives 20 namespaces, 2,000 app pods.
 * `mutate` applies a ~1% change (relabel pods, add/remove/edit policies, add pods) for diff benchmarks.
 */
import type { Protocol } from '../core/model/connection-set.js';
import {
  makeSnapshot,
  type Snapshot,
  type SnapshotContainerPort,
  type SnapshotContent,
  type SnapshotNamespace,
  type SnapshotNode,
  type SnapshotPod,
  type SnapshotPolicy,
} from '../core/model/snapshot.js';

export { readSnapshotJson, writeManifestFolder, writeSnapshotJson, type ManifestFolderOptions } from './cluster-writers.js';

export const SYNTHETIC_WORKLOADS = ['W1', 'W2', 'W3'] as const;
export type SyntheticWorkload = (typeof SYNTHETIC_WORKLOADS)[number];

export interface SyntheticOptions {
  readonly workload: SyntheticWorkload;
  /** 1 = 1,000 namespaces of 100 pods; the namespace count is round(1000 * scale), at least 2. */
  readonly scale?: number;
  readonly seed?: number | string;
}

export const PODS_PER_NAMESPACE = 100;
const PODS_PER_NODE = 50;

// ---------------------------------------------------------------- seeded PRNG (sfc32 seeded by a string hash)

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string | number) {
    // xmur3 string hash gives the four state words
    const text = String(seed);
    let h = 1779033703 ^ text.length;
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    const next = () => {
      h = Math.imul(h ^ (h >>> 16), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      return (h ^= h >>> 16) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }

  /** k distinct elements, in a random order (all of them when k >= length). */
  sample<T>(list: readonly T[], k: number): T[] {
    const copy = [...list];
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(copy.length - i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  /** Random string over Kubernetes' generateName alphabet (no vowels, no look-alikes). */
  id(length: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

// ---------------------------------------------------------------- building blocks

interface Archetype {
  readonly name: string;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly tier: 'frontend' | 'backend' | 'cache' | 'data';
  readonly ports: readonly SnapshotContainerPort[];
  /** Port name callers use. */
  readonly serves?: string;
  readonly weight: readonly [number, number];
}

const tcp = (name: string, port: number): SnapshotContainerPort => ({ name, port, protocol: 'TCP' });

const ARCHETYPES: readonly Archetype[] = [
  { name: 'web', kind: 'Deployment', tier: 'frontend', ports: [tcp('http', 8080), tcp('metrics', 9090)], serves: 'http', weight: [6, 14] },
  { name: 'gateway', kind: 'Deployment', tier: 'frontend', ports: [tcp('http', 8080), tcp('https', 8443), tcp('admin', 9901)], serves: 'https', weight: [3, 8] },
  { name: 'api', kind: 'Deployment', tier: 'backend', ports: [tcp('http', 8080), tcp('grpc', 9000), tcp('metrics', 9090)], serves: 'http', weight: [6, 16] },
  { name: 'auth', kind: 'Deployment', tier: 'backend', ports: [tcp('https', 8443), tcp('metrics', 9090)], serves: 'https', weight: [3, 8] },
  { name: 'worker', kind: 'Deployment', tier: 'backend', ports: [tcp('metrics', 9090)], weight: [4, 14] },
  { name: 'notifier', kind: 'Deployment', tier: 'backend', ports: [tcp('http', 8080), tcp('metrics', 9090)], serves: 'http', weight: [2, 6] },
  { name: 'scheduler', kind: 'Deployment', tier: 'backend', ports: [tcp('metrics', 9090)], weight: [1, 3] },
  { name: 'search', kind: 'Deployment', tier: 'backend', ports: [tcp('grpc', 9000), tcp('metrics', 9090)], serves: 'grpc', weight: [2, 6] },
  { name: 'memcached', kind: 'Deployment', tier: 'cache', ports: [tcp('memcache', 11211)], serves: 'memcache', weight: [2, 6] },
  { name: 'redis', kind: 'StatefulSet', tier: 'cache', ports: [tcp('redis', 6379), tcp('metrics', 9121)], serves: 'redis', weight: [1, 6] },
  { name: 'postgres', kind: 'StatefulSet', tier: 'data', ports: [tcp('postgres', 5432), tcp('metrics', 9187)], serves: 'postgres', weight: [1, 3] },
  { name: 'kafka', kind: 'StatefulSet', tier: 'data', ports: [tcp('kafka', 9092), tcp('metrics', 9308)], serves: 'kafka', weight: [3, 5] },
  {
    name: 'elasticsearch',
    kind: 'StatefulSet',
    tier: 'data',
    ports: [tcp('http', 9200), tcp('transport', 9300)],
    serves: 'http',
    weight: [3, 6],
  },
];

const WORDS = ['orders', 'catalog', 'payments', 'billing', 'search', 'accounts', 'shipping', 'inventory', 'reviews', 'ads', 'media', 'identity', 'ledger', 'pricing', 'fraud', 'support', 'analytics', 'notify', 'loyalty', 'checkout'];
const ENVS = ['prod', 'prod', 'staging', 'dev'];
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
const BASE_TIME = Date.UTC(2026, 0, 1);

function timestamp(rng: Rng, maxDaysBack: number): string {
  return new Date(BASE_TIME - rng.int(maxDaysBack * 86400) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Pod CIDR of node n: 10.(64 + n/256).(n%256).0/24, so pods sit in 10.64.0.0/13. */
function nodePodIp(node: number, host: number): string {
  return `10.${64 + (node >> 8)}.${node & 255}.${host}`;
}

function nodeName(n: number): string {
  return `node-${String(n).padStart(5, '0')}`;
}

/** InternalIP of node n, in 172.16.0.0/12. */
function nodeAddress(n: number): string {
  const a = n + 10;
  return `172.${16 + (a >> 16)}.${(a >> 8) & 255}.${a & 255}`;
}

/** Places pods on nodes and hands out their IPs. */
class IpAllocator {
  private readonly used: number[];

  constructor(
    private readonly rng: Rng,
    readonly nodes: number,
  ) {
    this.used = new Array<number>(nodes).fill(0);
  }

  /** Marks an address taken (used when mutating an existing cluster). */
  static fromPods(rng: Rng, nodes: number, pods: readonly SnapshotPod[]): IpAllocator {
    const a = new IpAllocator(rng, nodes);
    for (const p of pods) {
      const m = p.ips[0]?.match(/^10\.(\d+)\.(\d+)\.(\d+)$/);
      if (!m) continue;
      const n = (Number(m[1]) - 64) * 256 + Number(m[2]);
      if (n >= 0 && n < nodes) a.used[n] = Math.max(a.used[n]!, Number(m[3]) - 1);
    }
    return a;
  }

  place(): { node: number; ip: string } {
    let n = this.rng.int(this.nodes);
    for (let tries = 0; this.used[n]! >= 250 && tries < this.nodes; tries++) n = (n + 1) % this.nodes;
    if (this.used[n]! >= 250) throw new Error('synthetic cluster: out of pod IPs');
    this.used[n]!++;
    return { node: n, ip: nodePodIp(n, this.used[n]! + 1) };
  }
}

interface Workload {
  readonly namespace: string;
  readonly app: string;
  readonly arch: Archetype;
  readonly replicas: number;
  readonly hash: string;
  readonly version: string;
}

interface NamespacePlan {
  readonly index: number;
  readonly name: string;
  readonly team: string;
  readonly env: string;
  readonly workloads: Workload[];
  readonly pods: SnapshotPod[];
}

// ---------------------------------------------------------------- generation

export function generateCluster(opts: SyntheticOptions): SnapshotContent {
  const scale = opts.scale ?? 1;
  const seed = opts.seed ?? 1;
  const rng = new Rng(`${opts.workload}|${seed}|${scale}`);
  const nsCount = Math.max(2, Math.round(1000 * scale));
  const appPods = nsCount * PODS_PER_NAMESPACE;
  const nodeCount = Math.max(2, Math.ceil(appPods / PODS_PER_NODE));
  const adversarial = opts.workload === 'W3';
  const ips = new IpAllocator(rng, nodeCount);
  const taken = new Set<string>();
  /** A generated pod name not used yet in the namespace (random suffixes may collide). */
  const unique = (namespace: string, name: () => string): string => {
    let n = name();
    while (taken.has(`${namespace}/${n}`)) n = name();
    taken.add(`${namespace}/${n}`);
    return n;
  };

  const nodes: SnapshotNode[] = [];
  for (let n = 0; n < nodeCount; n++) {
    nodes.push({
      name: nodeName(n),
      labels: {
        'kubernetes.io/hostname': nodeName(n),
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': rng.pick(['m6i.2xlarge', 'm6i.4xlarge', 'c6i.4xlarge']),
        'topology.kubernetes.io/zone': ZONES[n % ZONES.length]!,
        ...(n % 10 === 0 ? { 'node-role.kubernetes.io/infra': '' } : {}),
      },
      addresses: [nodeAddress(n)],
    });
  }

  const namespaces: SnapshotNamespace[] = [];
  const pods: SnapshotPod[] = [];
  const plans: NamespacePlan[] = [];

  // system namespaces: DNS, monitoring, ingress controller, and kube-proxy on every node (hostNetwork)
  const system = (name: string, labels: Record<string, string> = {}) =>
    namespaces.push({ name, labels: { 'kubernetes.io/metadata.name': name, ...labels } });
  system('kube-system');
  system('monitoring', { team: 'platform' });
  system('ingress-nginx', { team: 'platform' });
  const corednsHash = rng.id(10);
  for (let i = 0; i < 2; i++) {
    const { node, ip } = ips.place();
    pods.push({
      namespace: 'kube-system',
      name: unique('kube-system', () => `coredns-${corednsHash}-${rng.id(5)}`),
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': corednsHash },
      workload: { kind: 'Deployment', name: 'coredns' },
      owner: { kind: 'ReplicaSet', name: `coredns-${corednsHash}` },
      nodeName: nodeName(node),
      ips: [ip],
      hostNetwork: false,
      phase: 'Running',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ],
    });
  }
  const proxyRevision = rng.id(10);
  for (let n = 0; n < nodeCount; n++) {
    pods.push({
      namespace: 'kube-system',
      name: unique('kube-system', () => `kube-proxy-${rng.id(5)}`),
      labels: { 'k8s-app': 'kube-proxy', 'controller-revision-hash': proxyRevision, 'pod-template-generation': '3' },
      workload: { kind: 'DaemonSet', name: 'kube-proxy' },
      owner: { kind: 'DaemonSet', name: 'kube-proxy' },
      nodeName: nodeName(n),
      ips: [nodeAddress(n)],
      hostNetwork: true,
      phase: 'Running',
      ports: [{ name: 'metrics', port: 10249, protocol: 'TCP' }],
    });
  }
  const promRevision = rng.id(10);
  for (let i = 0; i < 2; i++) {
    const { node, ip } = ips.place();
    pods.push({
      namespace: 'monitoring',
      name: `prometheus-${i}`,
      labels: { app: 'prometheus', 'app.kubernetes.io/name': 'prometheus', 'controller-revision-hash': `prometheus-${promRevision}`, 'statefulset.kubernetes.io/pod-name': `prometheus-${i}` },
      workload: { kind: 'StatefulSet', name: 'prometheus' },
      owner: { kind: 'StatefulSet', name: 'prometheus' },
      nodeName: nodeName(node),
      ips: [ip],
      hostNetwork: false,
      phase: 'Running',
      ports: [{ name: 'web', port: 9090, protocol: 'TCP' }],
    });
  }
  const nginxHash = rng.id(10);
  for (let i = 0; i < 3; i++) {
    const { node, ip } = ips.place();
    pods.push({
      namespace: 'ingress-nginx',
      name: unique('ingress-nginx', () => `ingress-nginx-controller-${nginxHash}-${rng.id(5)}`),
      labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller', 'pod-template-hash': nginxHash },
      workload: { kind: 'Deployment', name: 'ingress-nginx-controller' },
      owner: { kind: 'ReplicaSet', name: `ingress-nginx-controller-${nginxHash}` },
      nodeName: nodeName(node),
      ips: [ip],
      hostNetwork: false,
      phase: 'Running',
      ports: [tcp('http', 80), tcp('https', 443), tcp('metrics', 10254)],
    });
  }

  // application namespaces
  for (let i = 0; i < nsCount; i++) {
    const name = `${WORDS[i % WORDS.length]}-${String(i).padStart(4, '0')}`;
    const team = `team-${String(Math.floor(i / 5)).padStart(3, '0')}`;
    const env = rng.pick(ENVS);
    namespaces.push({
      name,
      labels: {
        'kubernetes.io/metadata.name': name,
        team,
        env,
        ...(rng.chance(0.3) ? { 'istio-injection': 'enabled' } : {}),
        ...(env === 'prod' && rng.chance(0.5) ? { 'compliance/pci': 'in-scope' } : {}),
      },
    });
    const plan: NamespacePlan = { index: i, name, team, env, workloads: [], pods: [] };
    plans.push(plan);
    // 8-12 workloads whose replicas add up to 100
    const archs = rng.sample(ARCHETYPES, rng.between(8, 12));
    const weights = archs.map((a) => rng.between(a.weight[0], a.weight[1]));
    const total = weights.reduce((s, w) => s + w, 0);
    const replicas = weights.map((w) => Math.max(1, Math.floor((w / total) * PODS_PER_NAMESPACE)));
    for (let left = PODS_PER_NAMESPACE - replicas.reduce((s, r) => s + r, 0), k = 0; left !== 0; k = (k + 1) % replicas.length) {
      if (left > 0) {
        replicas[k]!++;
        left--;
      } else if (replicas[k]! > 1) {
        replicas[k]!--;
        left++;
      }
    }
    archs.forEach((arch, k) => {
      plan.workloads.push({ namespace: name, app: arch.name, arch, replicas: replicas[k]!, hash: rng.id(10), version: `v${rng.between(1, 4)}.${rng.between(0, 20)}` });
    });
    for (const w of plan.workloads) {
      for (let r = 0; r < w.replicas; r++) {
        const { node, ip } = ips.place();
        const podName = unique(name, () => (w.arch.kind === 'Deployment' ? `${w.app}-${w.hash}-${rng.id(5)}` : `${w.app}-${r}`));
        const labels: Record<string, string> = {
          app: w.app,
          'app.kubernetes.io/name': w.app,
          'app.kubernetes.io/part-of': name.replace(/-\d+$/, ''),
          team,
          tier: w.arch.tier,
          version: w.version,
          ...(w.arch.kind === 'Deployment'
            ? { 'pod-template-hash': w.hash }
            : { 'controller-revision-hash': `${w.app}-${w.hash}`, 'statefulset.kubernetes.io/pod-name': podName }),
          ...(adversarial ? { instance: `${name}.${podName}` } : {}),
        };
        const pod: SnapshotPod = {
          namespace: name,
          name: podName,
          labels,
          workload: { kind: w.arch.kind, name: w.app },
          owner: w.arch.kind === 'Deployment' ? { kind: 'ReplicaSet', name: `${w.app}-${w.hash}` } : { kind: 'StatefulSet', name: w.app },
          nodeName: nodeName(node),
          ips: [ip],
          hostNetwork: false,
          phase: 'Running',
          ports: adversarial ? variedPorts(rng, w.arch) : w.arch.ports,
        };
        plan.pods.push(pod);
        pods.push(pod);
      }
    }
  }

  const networkPolicies: SnapshotPolicy[] = [];
  const adminNetworkPolicies: SnapshotPolicy[] = [];
  const baselineAdminNetworkPolicies: SnapshotPolicy[] = [];
  if (adversarial) adversarialPolicies(rng, plans, nodeCount, networkPolicies, adminNetworkPolicies, baselineAdminNetworkPolicies);
  else {
    const withPolicies = opts.workload === 'W2' ? new Set(rng.sample(plans, Math.round(plans.length * 0.3)).map((p) => p.name)) : undefined;
    realisticPolicies(rng, plans, withPolicies, networkPolicies);
  }
  return { namespaces, pods, networkPolicies, adminNetworkPolicies, baselineAdminNetworkPolicies, nodes };
}

/** W3: the same port names on pods of one workload mean different numbers and protocols. */
function variedPorts(rng: Rng, arch: Archetype): SnapshotContainerPort[] {
  const protocol = (): Protocol => (rng.chance(0.8) ? 'TCP' : rng.chance(0.75) ? 'UDP' : 'SCTP');
  const out: SnapshotContainerPort[] = [];
  const used = new Set<string>();
  const add = (name: string, port: number, proto: Protocol) => {
    if (used.has(`${proto}/${port}`)) return;
    used.add(`${proto}/${port}`);
    out.push({ name, port, protocol: proto });
  };
  for (const p of arch.ports) {
    if (p.name === 'http') add('http', rng.pick([80, 3000, 5000, 8000, 8080, 8081, 8888, 9200]), protocol());
    else if (p.name === 'metrics') add('metrics', 9090 + rng.int(40), 'TCP');
    else if (p.name === 'grpc') add('grpc', 9000 + rng.int(20), rng.chance(0.7) ? 'TCP' : 'UDP');
    else add(p.name!, p.port, p.protocol);
  }
  if (rng.chance(0.3)) add('http', 8443 + rng.int(3), 'SCTP');
  return out;
}

const meta = (namespace: string, name: string, team: string, rng: Rng) => ({
  namespace,
  name,
  labels: { team, 'app.kubernetes.io/managed-by': rng.pick(['helm', 'argocd', 'kustomize']) },
  creationTimestamp: timestamp(rng, 400),
});

const nsByName = (n: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': n } });

/** W1/W2: ~10 policies per namespace that has policies. */
function realisticPolicies(rng: Rng, plans: readonly NamespacePlan[], withPolicies: ReadonlySet<string> | undefined, out: SnapshotPolicy[]): void {
  const crossIngress = new Map<string, SnapshotPolicy[]>();
  const has = (ns: string) => !withPolicies || withPolicies.has(ns);
  for (const plan of plans) {
    if (!has(plan.name)) continue;
    const add = (name: string, spec: unknown) => out.push({ ...meta(plan.name, name, plan.team, rng), spec });
    const ws = plan.workloads;
    const byTier = (t: string) => ws.filter((w) => w.arch.tier === t);
    // namespace default-deny: both directions mostly, ingress only (policyTypes defaulted) sometimes
    const egressIsolated = rng.chance(0.85);
    if (egressIsolated) add('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    else add('default-deny-ingress', { podSelector: {} });
    if (egressIsolated) {
      add('allow-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: nsByName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
      });
    }
    add('allow-prometheus-scrape', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: nsByName('monitoring'), podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 'metrics' }] }],
    });
    const frontends = byTier('frontend');
    if (frontends.length) {
      add('allow-ingress-controller', {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: nsByName('ingress-nginx'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
            ports: frontends.flatMap((f) => (f.arch.serves ? [{ port: f.arch.serves }] : [])).filter((p, i, a) => a.findIndex((q) => q.port === p.port) === i),
          },
        ],
      });
    }
    // app-to-app: callers by tier, callees serve a named or numbered port
    const callees = ws.filter((w) => w.arch.serves && w.arch.tier !== 'frontend');
    const callerTier: Record<string, string[]> = { backend: ['frontend', 'backend'], cache: ['backend'], data: ['backend'] };
    for (const callee of rng.sample(callees, 4)) {
      const callers = ws.filter((w) => w !== callee && callerTier[callee.arch.tier]!.includes(w.arch.tier));
      if (!callers.length) continue;
      const chosen = rng.sample(callers, rng.between(1, 3)).map((c) => c.app).sort();
      const servesPort = callee.arch.ports.find((p) => p.name === callee.arch.serves)!;
      const port = rng.chance(0.5) ? { port: callee.arch.serves } : { protocol: 'TCP', port: servesPort.port };
      add(`allow-${callee.app}-from-${chosen.length === 1 ? chosen[0] : 'callers'}`, {
        podSelector: { matchLabels: { app: callee.app } },
        policyTypes: ['Ingress'],
        ingress: [{ from: chosen.length === 1 ? [{ podSelector: { matchLabels: { app: chosen[0] } } }] : [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: chosen }] } }], ports: [port] }],
      });
    }
    if (egressIsolated) {
      add('allow-internal-egress', {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'backend'] }] },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'cache', 'data'] }] } }] }],
      });
    }
    // cross-namespace: a backend calls the api of another namespace; both sides get a policy
    const api = ws.find((w) => w.app === 'api');
    const caller = ws.find((w) => w.arch.tier === 'backend' && w.app !== 'api');
    if (caller && rng.chance(0.6)) {
      const target = plans[(plan.index + 1 + rng.int(Math.min(plans.length - 1, 50))) % plans.length]!;
      if (target !== plan && target.workloads.some((w) => w.app === 'api') && has(target.name)) {
        if (egressIsolated) {
          add(`allow-egress-to-${target.name}`, {
            podSelector: { matchLabels: { app: caller.app } },
            policyTypes: ['Egress'],
            egress: [{ to: [{ namespaceSelector: nsByName(target.name), podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
          });
        }
        const list = crossIngress.get(target.name) ?? [];
        list.push({
          ...meta(target.name, `allow-from-${plan.name}`, target.team, rng),
          spec: {
            podSelector: { matchLabels: { app: 'api' } },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: plan.team, env: plan.env } }, podSelector: { matchLabels: { app: caller.app } } }], ports: [{ port: 'http' }] }],
          },
        });
        crossIngress.set(target.name, list);
      }
    }
    if (api && rng.chance(0.2)) {
      add('allow-api-from-team', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: [plan.team] }, { key: 'env', operator: 'NotIn', values: ['dev'] }] } }], ports: [{ port: 8080 }, { port: 9000 }] }],
      });
    }
    // external egress: HTTPS to the internet but not private ranges; a partner network on a port range
    const workers = ws.filter((w) => w.app === 'worker' || w.app === 'notifier' || w.app === 'gateway');
    if (egressIsolated && workers.length && rng.chance(0.5)) {
      add('allow-internet-https', {
        podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: workers.map((w) => w.app).sort() }] },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] }],
      });
    }
    if (egressIsolated && rng.chance(0.25)) {
      const third = rng.int(256);
      add('allow-partner-network', {
        podSelector: { matchLabels: { tier: 'backend' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: `198.51.${third}.0/24`, except: [`198.51.${third}.${16 * rng.int(16)}/28`] } }, { ipBlock: { cidr: '203.0.113.0/24' } }],
            ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 30000, endPort: 32767 }],
          },
        ],
      });
    }
    if (frontends.length && rng.chance(0.05)) {
      add('allow-all-to-frontend', { podSelector: { matchLabels: { tier: 'frontend' } }, ingress: [{}] });
    }
  }
  for (const list of crossIngress.values()) out.push(...list);
}

/** W3: selectors over unique per-pod labels, overlapping ipBlock exceptions, varied named ports, admin tiers. */
function adversarialPolicies(
  rng: Rng,
  plans: readonly NamespacePlan[],
  nodeCount: number,
  out: SnapshotPolicy[],
  anps: SnapshotPolicy[],
  banps: SnapshotPolicy[],
): void {
  const allPods = plans.flatMap((p) => p.pods);
  const names = (pods: readonly SnapshotPod[], k: number) => rng.sample(pods, k).map((p) => p.labels['instance']!).sort();
  const nodeCidr = (n: number) => `10.${64 + (n >> 8)}.${n & 255}.0/24`;
  const podRange = `10.64.0.0/${nodeCount <= 256 ? 16 : nodeCount <= 512 ? 15 : nodeCount <= 1024 ? 14 : 13}`;
  for (const plan of plans) {
    const add = (name: string, spec: unknown) => out.push({ ...meta(plan.name, name, plan.team, rng), spec });
    add('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    add('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: nsByName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 'dns-tcp' }] }],
    });
    for (let k = 0; k < 4; k++) {
      add(`pin-ingress-${k}`, {
        podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: names(plan.pods, rng.between(5, 20)) }] },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: names(allPods, rng.between(10, 30)) }] } },
              { podSelector: { matchExpressions: [{ key: 'instance', operator: 'NotIn', values: names(plan.pods, rng.between(3, 10)) }, { key: 'tier', operator: 'Exists' }] } },
            ],
            ports: [{ port: 'http' }, { port: 'metrics', protocol: 'TCP' }, { port: 'http', protocol: rng.pick(['UDP', 'SCTP']) }],
          },
        ],
      });
    }
    for (let k = 0; k < 2; k++) {
      const other = rng.pick(plans);
      add(`pin-egress-${k}`, {
        podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: names(plan.pods, rng.between(10, 40)) }] },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { team: other.team } }, podSelector: { matchExpressions: [{ key: 'instance', operator: 'NotIn', values: names(other.pods, rng.between(5, 30)) }] } }],
            ports: [{ port: 'grpc', protocol: rng.pick(['TCP', 'UDP']) }, { port: 'http' }, { protocol: 'TCP', port: 8000, endPort: 8100 + rng.int(50) }],
          },
        ],
      });
    }
    // overlapping exceptions inside the pod range: whole node /24s and /28s inside others
    const excepts = new Set<string>();
    for (let k = rng.between(3, 8); k > 0; k--) excepts.add(nodeCidr(rng.int(nodeCount)));
    for (let k = rng.between(2, 5); k > 0; k--) {
      const n = rng.int(nodeCount);
      excepts.add(`10.${64 + (n >> 8)}.${n & 255}.${16 * rng.int(16)}/28`);
    }
    // exceptions may overlap each other (a /28 inside an excepted /24) and those of other policies
    const wide = [...excepts].filter((e) => e.endsWith('/24'));
    const narrow = [...excepts].filter((e) => e.endsWith('/28'));
    add('allow-pod-range', {
      podSelector: { matchExpressions: [{ key: 'instance', operator: 'In', values: names(plan.pods, rng.between(20, 60)) }] },
      policyTypes: ['Egress', 'Ingress'],
      egress: [
        { to: [{ ipBlock: { cidr: podRange, except: [...wide, ...narrow].sort() } }], ports: [{ port: 'http' }, { protocol: 'TCP', port: 9090, endPort: 9130 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', `${rng.between(11, 126)}.0.0.0/${rng.between(8, 12)}`] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
      ingress: [{ from: [{ ipBlock: { cidr: nodeCidr(rng.int(nodeCount)) } }, { ipBlock: { cidr: podRange, except: wide.slice(0, 2) } }], ports: [{ port: 'metrics' }] }],
    });
  }
  const instances = (k: number) => ({ matchExpressions: [{ key: 'instance', operator: 'In', values: names(allPods, k) }] });
  anps.push(
    { name: 'deny-dev-to-prod', creationTimestamp: timestamp(rng, 100), spec: { priority: 5, subject: { namespaces: { matchLabels: { env: 'prod' } } }, ingress: [{ name: 'no-dev', action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'dev' } } }] }] } },
    {
      name: 'pinned-egress',
      creationTimestamp: timestamp(rng, 100),
      spec: {
        priority: 10,
        subject: { pods: { namespaceSelector: {}, podSelector: instances(50) } },
        egress: [
          { name: 'pass-dns', action: 'Pass', to: [{ namespaces: nsByName('kube-system') }] },
          { name: 'allow-range', action: 'Allow', to: [{ networks: ['10.64.0.0/16', '203.0.113.0/24'] }], ports: [{ portRange: { protocol: 'TCP', start: 8000, end: 9000 } }] },
          { name: 'deny-rest', action: 'Deny', to: [{ pods: { namespaceSelector: {}, podSelector: instances(40) } }] },
        ],
      },
    },
    {
      name: 'pinned-ingress',
      creationTimestamp: timestamp(rng, 100),
      spec: {
        priority: 20,
        subject: { pods: { namespaceSelector: { matchLabels: { env: 'staging' } }, podSelector: instances(60) } },
        ingress: [{ name: 'allow-named', action: 'Allow', from: [{ pods: { namespaceSelector: {}, podSelector: instances(30) } }], ports: [{ namedPort: 'http' }, { portNumber: { protocol: 'UDP', port: 5000 } }] }],
      },
    },
  );
  banps.push({
    name: 'default',
    creationTimestamp: timestamp(rng, 100),
    spec: { subject: { namespaces: { matchLabels: { env: 'dev' } } }, ingress: [{ name: 'deny-other-teams', action: 'Deny', from: [{ namespaces: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }] }] },
  });
}

// ---------------------------------------------------------------- mutation

/**
 * A realistic change of about `fraction` of the objects: pods relabeled (version bumps, some moved to another
 * app), policies edited (a port added or changed), removed and added, and new replicas of existing workloads.
 * Deterministic by seed; the input is not modified.
 */
export function mutate(content: SnapshotContent, fraction = 0.01, seed: number | string = 1): SnapshotContent {
  const rng = new Rng(`mutate|${seed}|${fraction}`);
  const pods = content.pods.map((p) => p);
  const appPodIdx = pods.map((p, i) => [p, i] as const).filter(([p]) => p.labels['app'] !== undefined && !p.hostNetwork && p.namespace !== 'monitoring');
  const count = (n: number, share: number) => Math.max(1, Math.round(n * fraction * share));

  // relabel: version bumps (not referenced), and some pods moved to another app of their namespace
  const appsByNs = new Map<string, string[]>();
  for (const [p] of appPodIdx) {
    const list = appsByNs.get(p.namespace) ?? [];
    if (!list.includes(p.labels['app']!)) list.push(p.labels['app']!);
    appsByNs.set(p.namespace, list);
  }
  for (const [p, i] of rng.sample(appPodIdx, count(appPodIdx.length, 0.5))) {
    const labels: Record<string, string> = { ...p.labels, version: `v${rng.between(5, 9)}.0` };
    if (rng.chance(0.3)) labels['app'] = rng.pick(appsByNs.get(p.namespace)!);
    if (rng.chance(0.2)) labels['tier'] = rng.pick(['frontend', 'backend', 'cache', 'data']);
    pods[i] = { ...p, labels };
  }
  // new replicas of existing workloads
  const nodeCount = content.nodes.length;
  const ips = IpAllocator.fromPods(rng, Math.max(1, nodeCount), content.pods);
  const taken = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
  for (const [p] of rng.sample(appPodIdx, count(appPodIdx.length, 0.3))) {
    const { node, ip } = ips.place();
    const hash = p.labels['pod-template-hash'];
    let name = hash ? `${p.workload.name}-${hash}-${rng.id(5)}` : `${p.workload.name}-${100 + rng.int(900)}`;
    while (taken.has(`${p.namespace}/${name}`)) name += rng.id(1);
    taken.add(`${p.namespace}/${name}`);
    const labels = { ...p.labels };
    if (labels['statefulset.kubernetes.io/pod-name']) labels['statefulset.kubernetes.io/pod-name'] = name;
    if (labels['instance']) labels['instance'] = `${p.namespace}.${name}`;
    pods.push({ ...p, name, labels, nodeName: nodeName(node), ips: [ip] });
  }

  // policies: edit, remove, add
  const policies = [...content.networkPolicies];
  const edits = rng.sample(
    policies.map((_, i) => i),
    count(policies.length, 0.4),
  );
  for (const i of edits) policies[i] = editPolicy(rng, policies[i]!);
  const removed = new Set(
    rng.sample(
      policies.map((_, i) => i),
      count(policies.length, 0.3),
    ),
  );
  const kept = policies.filter((_, i) => !removed.has(i));
  const byNs = new Map<string, SnapshotPod[]>();
  for (const [p] of appPodIdx) byNs.set(p.namespace, [...(byNs.get(p.namespace) ?? []), p]);
  const namespaces = [...byNs.keys()];
  const names = new Set(kept.map((p) => `${p.namespace}/${p.name}`));
  for (let k = count(policies.length, 0.3); k > 0 && namespaces.length; k--) {
    const ns = rng.pick(namespaces);
    const nsPods = byNs.get(ns)!;
    const target = rng.pick(nsPods).labels['app']!;
    const from = rng.pick(nsPods).labels['app']!;
    let name = `allow-${target}-from-${from}-${rng.id(4)}`;
    while (names.has(`${ns}/${name}`)) name += rng.id(1);
    names.add(`${ns}/${name}`);
    kept.push({
      namespace: ns,
      name,
      labels: { 'app.kubernetes.io/managed-by': 'kubectl' },
      creationTimestamp: '2026-01-02T00:00:00Z',
      spec: {
        podSelector: { matchLabels: { app: target } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: from } } }], ports: [{ protocol: 'TCP', port: rng.pick([8080, 8443, 9000, 5432]) }] }],
      },
    });
  }
  return { ...content, pods, networkPolicies: kept };
}

function editPolicy(rng: Rng, p: SnapshotPolicy): SnapshotPolicy {
  const spec = JSON.parse(JSON.stringify(p.spec)) as Record<string, unknown>;
  const rules = [...((spec['ingress'] as Record<string, unknown>[] | undefined) ?? []), ...((spec['egress'] as Record<string, unknown>[] | undefined) ?? [])];
  const rule = rules.length ? rng.pick(rules) : undefined;
  if (rule && Array.isArray(rule['ports'])) {
    (rule['ports'] as unknown[]).push({ protocol: 'TCP', port: rng.pick([8081, 8444, 9001, 6380]) });
  } else if (rule) {
    rule['ports'] = [{ protocol: 'TCP', port: rng.pick([80, 443, 8080]) }];
  } else {
    // a rule-less (deny) policy gains an allow rule from its own namespace
    spec['ingress'] = [{ from: [{ podSelector: { matchLabels: { tier: 'frontend' } } }] }];
    const types = spec['policyTypes'];
    if (Array.isArray(types) && !types.includes('Ingress')) types.push('Ingress');
  }
  return { ...p, spec };
}

// ---------------------------------------------------------------- helpers

/** The generated content as a snapshot (normalised, hashed). */
export function syntheticSnapshot(content: SnapshotContent, opts: { cluster?: string; takenAt?: string } = {}): Snapshot {
  return makeSnapshot(
    {
      cluster: opts.cluster ?? 'synthetic',
      takenAt: opts.takenAt ?? '2026-01-01T00:00:00.000Z',
      source: { type: 'synthetic' },
      collected: [
        { resource: 'namespaces', served: true, count: content.namespaces.length },
        { resource: 'pods', served: true, count: content.pods.length },
        { resource: 'networkpolicies', served: true, count: content.networkPolicies.length },
        { resource: 'adminnetworkpolicies', served: true, count: content.adminNetworkPolicies.length },
        { resource: 'baselineadminnetworkpolicies', served: true, count: content.baselineAdminNetworkPolicies.length },
        { resource: 'nodes', served: true, count: content.nodes.length },
      ],
    },
    content,
  );
}

export function contentCounts(c: SnapshotContent) {
  return {
    namespaces: c.namespaces.length,
    pods: c.pods.length,
    networkPolicies: c.networkPolicies.length,
    adminPolicies: c.adminNetworkPolicies.length + c.baselineAdminNetworkPolicies.length,
    nodes: c.nodes.length,
    workloads: new Set(c.pods.map((p) => `${p.namespace}/${p.workload.kind}/${p.workload.name}`)).size,
  };
}
