/**
 * A deliberately simple reference evaluator of NetworkPolicy, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy, written straight from the semantics notes (sections 1.A-1.G and 2.E), to check
 * the engine against. For every (source pod, destination pod) it decides egress(source) AND ingress(destination)
 * for every protocol and port-range atom, and for every pod and external address atom the pod side alone.
 * Results are aggregated to workload pairs and per-workload external ranges, in the same shape as the engine's
 * workload connectivity, so the two can be compared.
 *
 * It shares no code with src/core/engine: it reuses only the policy parsers and value types of src/core/model.
 * Cost is O(pods² × applicable rules); meant for clusters of at most a few thousand pods.
 *
 * Why atoms are exact: the ports of each protocol are split at every boundary any rule or containerPort
 * mentions, and the address space at every boundary any CIDR mentions; no rule can tell two ports (addresses)
 * of one atom apart, so deciding an atom by its first port (address) decides all of it.
 */
import {
  parseAdminNetworkPolicy,
  parseBaselineAdminNetworkPolicy,
  type AdminPeer,
  type AdminPolicyModel,
  type AdminRule,
} from '../core/model/admin-network-policy.js';
import {
  connectionSetKey,
  makeConnectionSet,
  MAX_PORT,
  MIN_PORT,
  PROTOCOLS,
  type ConnectionSet,
  type PortRange,
  type Protocol,
} from '../core/model/connection-set.js';
import { FAMILY_MAX, formatRange, parseCidr, parseIp, type AddressRange, type Cidr, type IpFamily } from '../core/model/ip-address.js';
import type { LabelSelector, SelectorRequirement } from '../core/model/label-selector.js';
import { parseNetworkPolicy, type NetworkPolicyModel, type NetworkPolicyPeer, type NetworkPolicyRule } from '../core/model/network-policy.js';
import type { PolicyPort } from '../core/model/policy-port.js';
import type { SnapshotContent } from '../core/model/snapshot.js';
import { workloadKey } from '../core/model/workload.js';

/** The settings for what the spec leaves to the plugin (docs/semantics.md); same shape as the engine's. */
export interface BruteForceSettings {
  readonly ipBlockPods: 'match' | 'ignore';
  readonly hostNetwork: 'node' | 'pod';
  readonly ipFamilies: 'auto' | 'ipv4' | 'ipv6' | 'dual';
}

export const BRUTE_FORCE_DEFAULTS: BruteForceSettings = { ipBlockPods: 'match', hostNetwork: 'pod', ipFamilies: 'auto' };

export interface BruteForceConnection {
  readonly src: string;
  readonly dst: string;
  readonly conns: ConnectionSet;
}

export interface BruteForceExternal {
  readonly workload: string;
  readonly direction: 'egress' | 'ingress';
  readonly range: AddressRange;
  readonly conns: ConnectionSet;
}

export interface BruteForceResult {
  readonly workloads: readonly string[];
  readonly connections: readonly BruteForceConnection[];
  readonly external: readonly BruteForceExternal[];
  /** (source pod, destination pod) pairs decided, pods of one workload excluded. */
  readonly podPairs: number;
  /** (pod, external address atom, direction) decisions. */
  readonly externalDecisions: number;
  readonly portAtoms: number;
  readonly addressAtoms: number;
  /** Policies skipped because they do not parse (the engine skips them too). */
  readonly invalidPolicies: readonly string[];
}

/** Anything shaped like the engine's WorkloadConnectivity (structural, so no engine import is needed). */
export interface ConnectivityLike {
  readonly connections: readonly { readonly src: string; readonly dst: string; readonly conns: ConnectionSet }[];
  readonly external: readonly { readonly workload: string; readonly direction: 'egress' | 'ingress'; readonly range: AddressRange; readonly conns: ConnectionSet }[];
}

// ---------------------------------------------------------------- label selectors (R15), written out again

function requirementHolds(r: SelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  if (r.operator === 'Exists') return present;
  if (r.operator === 'DoesNotExist') return !present;
  if (r.operator === 'In') return present && r.values.some((v) => v === value);
  // NotIn: an absent key matches
  return !present || !r.values.some((v) => v === value);
}

function selects(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return sel.requirements.every((r) => requirementHolds(r, labels));
}

// ---------------------------------------------------------------- the cluster as the evaluator sees it

interface Address {
  readonly family: IpFamily;
  readonly value: bigint;
}

interface Pod {
  readonly index: number;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly workload: number;
  /** Addresses ipBlock/networks peers may match (none for terminal pods: their IPs may be reused). */
  readonly addresses: readonly Address[];
  /** hostNetwork pod in `node` mode: no selector matches it, no policy selects it, peers see its IP only. */
  readonly nodeLike: boolean;
  readonly containerPorts: readonly { readonly name?: string; readonly port: number; readonly protocol: Protocol }[];
}

/** A rule of any tier, with what its peers match. */
interface Rule {
  readonly action: 'Allow' | 'Deny' | 'Pass';
  readonly ports: readonly PolicyPort[] | null;
  /** Lazily computed: whether each pod is a peer of the rule. */
  podPeers?: Uint8Array;
  readonly podMatches: (p: Pod) => boolean;
  readonly addressMatches: (a: Address) => boolean;
  /** Numbered port entries as an atom mask (named entries resolve per destination pod). */
  numeric?: Uint32Array;
}

interface Tiered {
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
}

const TERMINAL = new Set(['Succeeded', 'Failed']);
const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

function inCidr(c: Cidr, a: Address): boolean {
  return c.family === a.family && c.start <= a.value && a.value <= c.end;
}

export function bruteForceConnectivity(content: SnapshotContent, settings: BruteForceSettings = BRUTE_FORCE_DEFAULTS): BruteForceResult {
  // ---- namespaces: every namespace carries kubernetes.io/metadata.name (R16)
  const nsLabels = new Map<string, Record<string, string>>();
  const addNamespace = (name: string, labels: Readonly<Record<string, string>> = {}) => {
    if (!nsLabels.has(name)) nsLabels.set(name, { ...labels, [NAMESPACE_NAME]: name });
  };
  for (const ns of content.namespaces) addNamespace(ns.name, ns.labels);

  // ---- pods
  const workloadIds = new Map<string, number>();
  const workloadNames: string[] = [];
  const pods: Pod[] = content.pods.map((p, index) => {
    addNamespace(p.namespace);
    const key = workloadKey({ namespace: p.namespace, name: p.workload.name, kind: p.workload.kind });
    let w = workloadIds.get(key);
    if (w === undefined) {
      w = workloadNames.length;
      workloadNames.push(key);
      workloadIds.set(key, w);
    }
    const addresses: Address[] = [];
    if (!(p.phase !== undefined && TERMINAL.has(p.phase))) {
      for (const ip of p.ips) {
        const parsed = parseIp(ip);
        if (parsed && !addresses.some((a) => a.family === parsed.family && a.value === parsed.value)) addresses.push(parsed);
      }
    }
    return {
      index,
      namespace: p.namespace,
      labels: p.labels,
      workload: w,
      addresses,
      nodeLike: p.hostNetwork && settings.hostNetwork === 'node',
      containerPorts: p.ports,
    };
  });

  // ---- address families reported and matched
  let families: IpFamily[];
  if (settings.ipFamilies === 'ipv4') families = [4];
  else if (settings.ipFamilies === 'ipv6') families = [6];
  else if (settings.ipFamilies === 'dual') families = [4, 6];
  else {
    const seen = new Set<IpFamily>();
    for (const p of pods) for (const a of p.addresses) seen.add(a.family);
    families = seen.size ? [...seen].sort() : [4];
  }
  const modelled = (f: IpFamily) => families.includes(f);
  // pod addresses of families not analysed cannot be matched by any CIDR
  const podAddresses = (p: Pod) => p.addresses.filter((a) => modelled(a.family));

  // ---- policies (the model parsers validate and default them; invalid ones are skipped, as the engine does)
  const invalidPolicies: string[] = [];
  const networkPolicies: NetworkPolicyModel[] = [];
  for (const np of content.networkPolicies) {
    const namespace = np.namespace ?? 'default';
    addNamespace(namespace);
    const parsed = parseNetworkPolicy(namespace, np.name, np.spec);
    if (parsed.ok) networkPolicies.push(parsed.value);
    else invalidPolicies.push(`NetworkPolicy ${namespace}/${np.name}`);
  }
  const admins: AdminPolicyModel[] = [];
  for (const anp of content.adminNetworkPolicies) {
    const parsed = parseAdminNetworkPolicy(anp.name, anp.spec);
    if (parsed.ok) admins.push(parsed.value);
    else invalidPolicies.push(`AdminNetworkPolicy ${anp.name}`);
  }
  // priority order, lower first; equal priorities are ambiguous in the API and evaluated by name
  admins.sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let baseline: AdminPolicyModel | undefined;
  for (const banp of content.baselineAdminNetworkPolicies) {
    const parsed = parseBaselineAdminNetworkPolicy(banp.name, banp.spec);
    if (!parsed.ok) invalidPolicies.push(`BaselineAdminNetworkPolicy ${banp.name}`);
    else if (!baseline) baseline = parsed.value;
  }

  // ---- CIDRs: only those of analysed families match anything
  const cidrBoundaries: AddressRange[] = [];
  const useCidr = (c: Cidr) => {
    if (modelled(c.family)) cidrBoundaries.push(c);
  };

  // ---- ports: atoms per protocol, split at every boundary of every rule and every containerPort
  const cuts: Record<Protocol, Set<number>> = { TCP: new Set([MIN_PORT]), UDP: new Set([MIN_PORT]), SCTP: new Set([MIN_PORT]) };
  const cut = (p: Protocol, from: number, to: number) => {
    cuts[p].add(from);
    if (to + 1 <= MAX_PORT) cuts[p].add(to + 1);
  };
  for (const p of pods) for (const cp of p.containerPorts) cut(cp.protocol, cp.port, cp.port);

  // ---- rules of every tier, with their peer tests
  const isSelectable = (p: Pod) => !p.nodeLike;
  const npRule = (np: NetworkPolicyModel, r: NetworkPolicyRule): Rule => {
    for (const port of r.ports ?? []) if (port.kind === 'range') cut(port.protocol, port.from, port.to);
    for (const peer of r.peers ?? []) if (peer.kind === 'ipBlock') [peer.cidr, ...peer.except].forEach(useCidr);
    const peerMatchesPod = (peer: NetworkPolicyPeer, x: Pod): boolean => {
      if (peer.kind === 'pods') {
        if (!isSelectable(x)) return false;
        const nsOk = peer.namespaceSelector === null ? x.namespace === np.namespace : selects(peer.namespaceSelector, nsLabels.get(x.namespace)!);
        return nsOk && selects(peer.podSelector, x.labels);
      }
      // ipBlock: pod IPs count per the ipBlockPods setting; a node-like hostNetwork pod is its node's IP
      if (settings.ipBlockPods === 'ignore' && !x.nodeLike) return false;
      return podAddresses(x).some((a) => peerMatchesAddress(peer, a));
    };
    const peerMatchesAddress = (peer: NetworkPolicyPeer, a: Address): boolean =>
      peer.kind === 'ipBlock' && modelled(peer.cidr.family) && inCidr(peer.cidr, a) && !peer.except.some((e) => inCidr(e, a));
    return {
      action: 'Allow',
      ports: r.ports,
      // from/to absent or empty: every peer, pods and external addresses alike (R12)
      podMatches: (x) => r.peers === null || r.peers.some((peer) => peerMatchesPod(peer, x)),
      addressMatches: (a) => r.peers === null || r.peers.some((peer) => peerMatchesAddress(peer, a)),
    };
  };

  const nodeAddresses = (sel: LabelSelector): Address[] => {
    const out: Address[] = [];
    for (const n of content.nodes) {
      if (!selects(sel, n.labels)) continue;
      for (const text of n.addresses) {
        const a = parseIp(text);
        if (a) out.push(a);
      }
    }
    return out;
  };
  const adminRule = (r: AdminRule): Rule => {
    for (const port of r.ports ?? []) if (port.kind === 'range') cut(port.protocol, port.from, port.to);
    const failClosedAll = r.action !== 'Allow' && r.peers.some((p) => p.kind === 'unmodelled');
    const nodeSets = new Map<AdminPeer, Address[]>();
    for (const peer of r.peers) {
      if (peer.kind === 'networks') peer.cidrs.forEach(useCidr);
      if (peer.kind === 'nodes') {
        const addrs = nodeAddresses(peer.nodeSelector);
        nodeSets.set(peer, addrs);
        for (const a of addrs) if (modelled(a.family)) cidrBoundaries.push({ family: a.family, start: a.value, end: a.value });
      }
    }
    const peerMatchesAddress = (peer: AdminPeer, a: Address): boolean => {
      if (!modelled(a.family)) return false;
      if (peer.kind === 'networks') return peer.cidrs.some((c) => inCidr(c, a));
      if (peer.kind === 'nodes') return nodeSets.get(peer)!.some((n) => n.family === a.family && n.value === a.value);
      return false;
    };
    const peerMatchesPod = (peer: AdminPeer, x: Pod): boolean => {
      switch (peer.kind) {
        case 'namespaces':
          return isSelectable(x) && selects(peer.namespaceSelector, nsLabels.get(x.namespace)!);
        case 'pods':
          return isSelectable(x) && selects(peer.namespaceSelector, nsLabels.get(x.namespace)!) && selects(peer.podSelector, x.labels);
        case 'networks':
          // networks match any address, pod IPs included
          return podAddresses(x).some((a) => peerMatchesAddress(peer, a));
        case 'nodes':
          // node addresses: only a hostNetwork pod seen as its node carries one
          return x.nodeLike && podAddresses(x).some((a) => peerMatchesAddress(peer, a));
        case 'unmodelled':
          return false;
      }
    };
    return {
      action: r.action,
      ports: r.ports,
      // a peer that cannot be evaluated fails closed: Allow matches nothing, Deny/Pass match everything
      podMatches: (x) => failClosedAll || r.peers.some((peer) => peerMatchesPod(peer, x)),
      addressMatches: (a) => failClosedAll || r.peers.some((peer) => peerMatchesAddress(peer, a)),
    };
  };

  const npRules = new Map<NetworkPolicyModel, Tiered>();
  for (const np of networkPolicies) {
    // rules of a direction not in policyTypes are ignored (R9); the parser already leaves them out
    npRules.set(np, { ingress: np.affectsIngress ? np.ingress.map((r) => npRule(np, r)) : [], egress: np.affectsEgress ? np.egress.map((r) => npRule(np, r)) : [] });
  }
  const adminRules = new Map<AdminPolicyModel, Tiered>();
  for (const a of [...admins, ...(baseline ? [baseline] : [])]) adminRules.set(a, { ingress: a.ingress.map(adminRule), egress: a.egress.map(adminRule) });

  // ---- atoms
  const atomProto: Protocol[] = [];
  const atomFrom: number[] = [];
  const atomTo: number[] = [];
  const atomStartIndex: Record<Protocol, number[]> = { TCP: [], UDP: [], SCTP: [] };
  for (const proto of PROTOCOLS) {
    const starts = [...cuts[proto]].sort((a, b) => a - b);
    starts.forEach((s, i) => {
      atomStartIndex[proto].push(s);
      atomProto.push(proto);
      atomFrom.push(s);
      atomTo.push(i + 1 < starts.length ? starts[i + 1]! - 1 : MAX_PORT);
    });
  }
  const A = atomProto.length;
  const W = Math.ceil(A / 32);
  const atomOf = (proto: Protocol, port: number): number => {
    for (let a = 0; a < A; a++) if (atomProto[a] === proto && atomFrom[a]! <= port && port <= atomTo[a]!) return a;
    throw new Error(`no atom for ${proto}/${port}`);
  };
  const atomIndex = new Map<string, number>();
  const atomFor = (proto: Protocol, port: number): number => {
    const k = `${proto}/${port}`;
    let a = atomIndex.get(k);
    if (a === undefined) atomIndex.set(k, (a = atomOf(proto, port)));
    return a;
  };
  const ALL = new Uint32Array(W);
  for (let a = 0; a < A; a++) ALL[a >> 5]! |= 1 << (a & 31);

  /** The atoms a rule's ports allow towards destination pod `dst` (null: an external destination). */
  const ruleMask = (rule: Rule, dst: Pod | null, out: Uint32Array) => {
    if (rule.ports === null) {
      out.set(ALL);
      return;
    }
    if (!rule.numeric) {
      const m = new Uint32Array(W);
      for (let a = 0; a < A; a++) {
        // every port of the atom behaves alike, so its first port decides
        if (rule.ports.some((p) => p.kind === 'range' && p.protocol === atomProto[a] && p.from <= atomFrom[a]! && atomFrom[a]! <= p.to)) m[a >> 5]! |= 1 << (a & 31);
      }
      rule.numeric = m;
    }
    out.set(rule.numeric);
    if (!dst) return; // named ports never match a non-pod destination (R22c)
    for (const p of rule.ports) {
      if (p.kind !== 'named') continue;
      // resolved on the destination pod: same name and protocol (admin namedPort: the containerPort's own protocol)
      for (const cp of dst.containerPorts) {
        if (cp.name === p.name && (p.protocol === null || p.protocol === cp.protocol)) {
          const a = atomFor(cp.protocol, cp.port);
          out[a >> 5]! |= 1 << (a & 31);
        }
      }
    }
  };

  const rulePodMatch = (rule: Rule, x: Pod): boolean => {
    if (!rule.podPeers) {
      const m = new Uint8Array(pods.length);
      for (const p of pods) m[p.index] = rule.podMatches(p) ? 1 : 0;
      rule.podPeers = m;
    }
    return rule.podPeers[x.index] === 1;
  };

  // ---- who each pod's policies are
  const npIngressOf: NetworkPolicyModel[][] = [];
  const npEgressOf: NetworkPolicyModel[][] = [];
  const adminOf: AdminPolicyModel[][] = [];
  const baselineOf: boolean[] = [];
  const adminSubject = (a: AdminPolicyModel, x: Pod) =>
    isSelectable(x) &&
    selects(a.subject.namespaceSelector, nsLabels.get(x.namespace)!) &&
    (a.subject.kind === 'namespaces' || selects(a.subject.podSelector, x.labels));
  for (const x of pods) {
    // a policy selects pods of its own namespace only (R1); isolation is per direction (R2)
    const selecting = networkPolicies.filter((np) => isSelectable(x) && np.namespace === x.namespace && selects(np.podSelector, x.labels));
    npIngressOf.push(selecting.filter((np) => np.affectsIngress));
    npEgressOf.push(selecting.filter((np) => np.affectsEgress));
    adminOf.push(admins.filter((a) => adminSubject(a, x)));
    baselineOf.push(baseline !== undefined && adminSubject(baseline, x));
  }

  // ---- the per-direction decision procedure of notes section 2.E, pointwise over port atoms
  const m = new Uint32Array(W);
  const decided = new Uint32Array(W);
  const aAllow = new Uint32Array(W);
  const aDeny = new Uint32Array(W);
  const npAllow = new Uint32Array(W);
  const bDecided = new Uint32Array(W);
  const bDeny = new Uint32Array(W);
  /** Atoms subject S allows in `dir` with peer `peerPod` (a pod) or `peerAddr` (an external address). */
  const decide = (S: Pod, dir: 'ingress' | 'egress', peerPod: Pod | null, peerAddr: Address | null, out: Uint32Array) => {
    const matches = (rule: Rule) => (peerPod ? rulePodMatch(rule, peerPod) : rule.addressMatches(peerAddr!));
    // named ports resolve on the destination: the subject for ingress, the peer for egress
    const dst = dir === 'ingress' ? S : peerPod;
    decided.fill(0);
    aAllow.fill(0);
    aDeny.fill(0);
    // 1. admin tier: policies in priority order, rules in order, first match decides each atom
    for (const anp of adminOf[S.index]!) {
      for (const rule of adminRules.get(anp)![dir]) {
        if (!matches(rule)) continue;
        ruleMask(rule, dst, m);
        for (let w = 0; w < W; w++) {
          const fresh = m[w]! & ~decided[w]!;
          if (rule.action === 'Allow') aAllow[w]! |= fresh;
          else if (rule.action === 'Deny') aDeny[w]! |= fresh;
          decided[w]! |= m[w]!; // Pass: decided here, handed to the next tier
        }
      }
    }
    // 2. NetworkPolicy: final for a pod it isolates in this direction (R2-R4)
    const nps = dir === 'ingress' ? npIngressOf[S.index]! : npEgressOf[S.index]!;
    if (nps.length) {
      npAllow.fill(0);
      for (const np of nps) {
        for (const rule of npRules.get(np)![dir]) {
          if (!matches(rule)) continue;
          ruleMask(rule, dst, m);
          for (let w = 0; w < W; w++) npAllow[w]! |= m[w]!;
        }
      }
      for (let w = 0; w < W; w++) out[w] = aAllow[w]! | (npAllow[w]! & ~(aAllow[w]! | aDeny[w]!) & ALL[w]!);
      return;
    }
    // 3. baseline: first matching rule; 4. default allow
    bDeny.fill(0);
    if (baselineOf[S.index] && baseline) {
      bDecided.fill(0);
      for (const rule of adminRules.get(baseline)![dir]) {
        if (!matches(rule)) continue;
        ruleMask(rule, dst, m);
        for (let w = 0; w < W; w++) {
          if (rule.action === 'Deny') bDeny[w]! |= m[w]! & ~bDecided[w]!;
          bDecided[w]! |= m[w]!;
        }
      }
    }
    for (let w = 0; w < W; w++) out[w] = aAllow[w]! | (ALL[w]! & ~(aAllow[w]! | aDeny[w]!) & ~bDeny[w]!);
  };

  const toConnectionSet = (mask: Uint32Array): ConnectionSet => {
    const parts: Partial<Record<Protocol, PortRange[]>> = {};
    for (let a = 0; a < A; a++) {
      if (!(mask[a >> 5]! & (1 << (a & 31)))) continue;
      (parts[atomProto[a]!] ??= []).push([atomFrom[a]!, atomTo[a]!]);
    }
    return makeConnectionSet(parts);
  };
  const isZero = (mask: Uint32Array) => mask.every((x) => x === 0);

  // ---- pod to pod: egress(src) AND ingress(dst) (R5), pods of one workload are not reported
  const eg = new Uint32Array(W);
  const ing = new Uint32Array(W);
  const nW = workloadNames.length;
  const pairs = new Map<number, Uint32Array>();
  let podPairs = 0;
  for (const s of pods) {
    for (const d of pods) {
      if (s.workload === d.workload) continue; // includes s === d: self traffic is never denied (R27), not listed
      podPairs++;
      decide(s, 'egress', d, null, eg);
      if (isZero(eg)) continue;
      decide(d, 'ingress', s, null, ing);
      let any = 0;
      for (let w = 0; w < W; w++) any |= eg[w]! &= ing[w]!;
      if (!any) continue;
      const k = s.workload * nW + d.workload;
      const acc = pairs.get(k);
      if (acc) for (let w = 0; w < W; w++) acc[w]! |= eg[w]!;
      else pairs.set(k, Uint32Array.from(eg));
    }
  }

  // ---- external addresses: the pod side alone decides (R7)
  const addrStarts = new Map<IpFamily, Set<bigint>>(families.map((f) => [f, new Set([0n])]));
  for (const r of cidrBoundaries) {
    const set = addrStarts.get(r.family);
    if (!set) continue;
    set.add(r.start);
    if (r.end < FAMILY_MAX[r.family]) set.add(r.end + 1n);
  }
  const addrAtoms: AddressRange[] = [];
  for (const f of families) {
    const starts = [...addrStarts.get(f)!].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    starts.forEach((s, i) => addrAtoms.push({ family: f, start: s, end: i + 1 < starts.length ? starts[i + 1]! - 1n : FAMILY_MAX[f] }));
  }
  // per workload and direction: the union over its pods, per address atom
  const ext = new Map<string, Uint32Array[]>();
  let externalDecisions = 0;
  for (const s of pods) {
    for (const dir of ['egress', 'ingress'] as const) {
      const k = `${s.workload}|${dir}`;
      let list = ext.get(k);
      if (!list) ext.set(k, (list = addrAtoms.map(() => new Uint32Array(W))));
      addrAtoms.forEach((atom, i) => {
        externalDecisions++;
        decide(s, dir, null, { family: atom.family, value: atom.start }, eg);
        const acc = list![i]!;
        for (let w = 0; w < W; w++) acc[w]! |= eg[w]!;
      });
    }
  }

  // ---- output in the engine's shape: sorted pairs; maximal address ranges with equal connections
  const connections: BruteForceConnection[] = [];
  for (const [k, mask] of pairs) connections.push({ src: workloadNames[Math.floor(k / nW)]!, dst: workloadNames[k % nW]!, conns: toConnectionSet(mask) });
  connections.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
  const external: BruteForceExternal[] = [];
  for (const [k, list] of ext) {
    const [w, direction] = k.split('|') as [string, 'egress' | 'ingress'];
    const workload = workloadNames[Number(w)]!;
    let open: { range: { family: IpFamily; start: bigint; end: bigint }; key: string; conns: ConnectionSet } | undefined;
    const flush = () => {
      if (open && open.key !== 'No Connections') external.push({ workload, direction, range: open.range, conns: open.conns });
      open = undefined;
    };
    addrAtoms.forEach((atom, i) => {
      const conns = toConnectionSet(list[i]!);
      const key = connectionSetKey(conns);
      if (open && open.key === key && open.range.family === atom.family && open.range.end + 1n === atom.start) open.range.end = atom.end;
      else {
        flush();
        open = { range: { family: atom.family, start: atom.start, end: atom.end }, key, conns };
      }
    });
    flush();
  }
  external.sort(
    (a, b) =>
      (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : 0) ||
      (a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : 0) ||
      a.range.family - b.range.family ||
      (a.range.start < b.range.start ? -1 : a.range.start > b.range.start ? 1 : 0),
  );
  return {
    workloads: [...workloadNames].sort(),
    connections,
    external,
    podPairs,
    externalDecisions,
    portAtoms: A,
    addressAtoms: addrAtoms.length,
    invalidPolicies,
  };
}

/** One line per fact: `src => dst : conns` and `workload egress|ingress range : conns`. */
export function connectivityLines(c: ConnectivityLike): Set<string> {
  const out = new Set<string>();
  for (const x of c.connections) if (connectionSetKey(x.conns) !== 'No Connections') out.add(`${x.src} => ${x.dst} : ${connectionSetKey(x.conns)}`);
  for (const e of c.external) if (connectionSetKey(e.conns) !== 'No Connections') out.add(`${e.workload} ${e.direction} ${formatRange(e.range)} : ${connectionSetKey(e.conns)}`);
  return out;
}

export interface ConnectivityComparison {
  readonly equal: boolean;
  /** Lines only the expected side has / only the actual side has (at most `limit` of each). */
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly missingCount: number;
  readonly unexpectedCount: number;
  readonly workloadPairs: number;
  readonly externalRanges: number;
}

export function compareConnectivity(expected: ConnectivityLike, actual: ConnectivityLike, limit = 10): ConnectivityComparison {
  const e = connectivityLines(expected);
  const a = connectivityLines(actual);
  const missing = [...e].filter((x) => !a.has(x));
  const unexpected = [...a].filter((x) => !e.has(x));
  return {
    equal: missing.length === 0 && unexpected.length === 0,
    missing: missing.slice(0, limit),
    unexpected: unexpected.slice(0, limit),
    missingCount: missing.length,
    unexpectedCount: unexpected.length,
    workloadPairs: expected.connections.length,
    externalRanges: expected.external.length,
  };
}
