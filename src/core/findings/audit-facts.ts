/**
 * Facts about one analysed cluster that checks, exposure scores and reports read: per workload its pods,
 * effective isolation, reach (workloads and namespaces, both ways) and internet exposure; per namespace
 * its default-deny posture. Computed once from the engine's results, never guessed from policy shapes.
 */
import type { ClusterAnalysis, DirectionCoverage } from '../engine/analyse-cluster.js';
import type { AllowMap } from '../engine/allow-map.js';
import type { PortSetId } from '../engine/port-space.js';
import { workloadClasses } from '../engine/workload-connectivity.js';
import type { AdminPeer } from '../model/admin-network-policy.js';
import type { PodModel } from '../model/cluster-model.js';
import type { AddressRange } from '../model/ip-address.js';
import { parseWorkloadKey } from '../model/workload.js';
import { publicParts } from './public-address.js';

export type Direction = 'ingress' | 'egress';

export interface DirectionFacts {
  /**
   * Isolated: traffic is denied unless a rule allows it — the pods are selected by a NetworkPolicy for the
   * direction, or an admin policy denies every namespace by default — and the effective allow set is not
   * everything (an allow-all rule neutralises isolation). A deny of a few addresses alone is not isolation.
   */
  readonly isolated: boolean;
  /** The effective allow set is everything: all peers, all ports. */
  readonly open: boolean;
  /** NetworkPolicies selecting the workload's pods for this direction. */
  readonly networkPolicies: readonly string[];
  readonly adminPolicies: readonly string[];
  readonly baseline: boolean;
  /** Workload keys (other than itself) reachable / reaching it. */
  readonly peers: ReadonlySet<string>;
  readonly peerNamespaces: ReadonlySet<string>;
  /** Public internet ranges allowed (to it for ingress, from it for egress), with port sets. */
  readonly internet: readonly { range: AddressRange; ports: PortSetId }[];
  /** Any external address allowed at all (private ranges included). */
  readonly external: boolean;
}

export interface WorkloadFacts {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly pods: readonly PodModel[];
  readonly classes: readonly number[];
  readonly hostNetwork: boolean;
  readonly ingress: DirectionFacts;
  readonly egress: DirectionFacts;
}

export interface NamespaceFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly workloads: readonly string[];
  readonly pods: number;
  /** NetworkPolicies with an empty podSelector affecting the direction (they isolate every pod, future ones too). */
  readonly defaultDeny: Readonly<Record<Direction, readonly string[]>>;
}

export interface AuditFacts {
  readonly analysis: ClusterAnalysis;
  readonly workloads: ReadonlyMap<string, WorkloadFacts>;
  readonly namespaces: ReadonlyMap<string, NamespaceFacts>;
}

/** An admin peer covering every namespace (the catch-all of an admin default-deny). */
function deniesEveryNamespace(peer: AdminPeer): boolean {
  if (peer.kind === 'namespaces') return peer.namespaceSelector.requirements.length === 0;
  if (peer.kind === 'pods') return peer.namespaceSelector.requirements.length === 0 && peer.podSelector.requirements.length === 0;
  return peer.kind === 'unmodelled';
}

export function computeAuditFacts(analysis: ClusterAnalysis): AuditFacts {
  const { classes, compiler, ports } = analysis;
  const N = classes.length;
  const byWorkload = workloadClasses(analysis);
  const full = (m: AllowMap) => m.isFull(compiler.allPeers, ports);

  // reach, both ways, at workload level
  const out = new Map<string, Set<string>>();
  const inn = new Map<string, Set<string>>();
  for (const w of byWorkload.keys()) {
    out.set(w, new Set());
    inn.set(w, new Set());
  }
  const classWorkloads = classes.map((c) => c.workloads);
  for (let a = 0; a < N; a++) {
    const srcs = classWorkloads[a]!;
    for (const seg of analysis.reach[a]!.segments) {
      seg.peers.forEach((b) => {
        for (const d of classWorkloads[b]!) {
          for (const s of srcs) {
            if (s === d) continue;
            out.get(s)!.add(d);
            inn.get(d)!.add(s);
          }
        }
      });
    }
  }
  const nsOf = (w: string) => parseWorkloadKey(w)?.namespace ?? '';
  const internetOf = (maps: AllowMap[]) => {
    const result: { range: AddressRange; ports: PortSetId }[] = [];
    let external = false;
    for (const m of maps) {
      for (const seg of m.restrict(compiler.allExternal, ports).segments) {
        external = true;
        for (const r of analysis.addresses.toRanges(seg.peers, N)) for (const p of publicParts(r)) result.push({ range: p, ports: seg.ports });
      }
    }
    return { internet: result, external };
  };
  const adminDefaultDeny = (ids: readonly string[], d: Direction) =>
    ids.some((id) => {
      const p = id === analysis.model.baselinePolicy?.id ? analysis.model.baselinePolicy : analysis.model.adminPolicies.find((a) => a.id === id);
      return p?.[d].some((r) => r.action === 'Deny' && r.peers.some((peer) => deniesEveryNamespace(peer)));
    });
  const direction = (ids: number[], covs: readonly DirectionCoverage[], peers: Set<string>, d: Direction): DirectionFacts => {
    const maps = ids.map((c) => covs[c]!.allow);
    const uniq = (xs: string[]) => [...new Set(xs)].sort();
    const selected = ids.every((c) => covs[c]!.networkPolicies.length > 0 || adminDefaultDeny([...covs[c]!.adminPolicies, ...(covs[c]!.baseline ? [analysis.model.baselinePolicy!.id] : [])], d));
    const open = maps.some((m) => full(m));
    return {
      isolated: selected && !open,
      open,
      networkPolicies: uniq(ids.flatMap((c) => covs[c]!.networkPolicies)),
      adminPolicies: uniq(ids.flatMap((c) => covs[c]!.adminPolicies)),
      baseline: ids.some((c) => covs[c]!.baseline),
      peers,
      peerNamespaces: new Set([...peers].map(nsOf)),
      ...internetOf(maps),
    };
  };
  const workloads = new Map<string, WorkloadFacts>();
  for (const [key, ids] of [...byWorkload.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ref = parseWorkloadKey(key)!;
    const pods = ids.flatMap((c) => classes[c]!.pods.filter((p) => p.workloadKey === key));
    workloads.set(key, {
      key,
      namespace: ref.namespace,
      name: ref.name,
      kind: ref.kind,
      pods,
      classes: ids,
      hostNetwork: pods.some((p) => p.hostNetwork),
      ingress: direction(ids, analysis.ingress, inn.get(key)!, 'ingress'),
      egress: direction(ids, analysis.egress, out.get(key)!, 'egress'),
    });
  }
  const namespaces = new Map<string, NamespaceFacts>();
  for (const ns of [...analysis.model.namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const nps = analysis.model.networkPolicies.filter((p) => p.namespace === ns.name && p.podSelector.requirements.length === 0);
    const wls = [...workloads.values()].filter((w) => w.namespace === ns.name);
    namespaces.set(ns.name, {
      name: ns.name,
      labels: ns.labels,
      workloads: wls.map((w) => w.key),
      pods: wls.reduce((n, w) => n + w.pods.length, 0),
      defaultDeny: {
        ingress: nps.filter((p) => p.affectsIngress).map((p) => p.id),
        egress: nps.filter((p) => p.affectsEgress).map((p) => p.id),
      },
    });
  }
  return { analysis, workloads, namespaces };
}
