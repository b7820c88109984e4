/**
 * Which workloads' connections can differ between two policy analyses of one cluster, found from the models
 * alone (no allow set, no reach). Under the Kubernetes semantics a connection from pod s to pod d on a port
 * is decided by the egress policies whose subject matches s and the ingress policies whose subject matches d
 * (all three tiers), each evaluated against what it can see of the other end: its namespace and the
 * namespace's labels, its labels, its named ports, its IPs (ipBlock, admin networks) and, for a hostNetwork
 * pod, its node (admin nodes peers). So a workload pair has the same connections on both sides when both
 * workloads look the same to every policy and neither is a subject of a policy that changed; and a
 * workload's external connections are the same when it looks the same and no policy of its changed.
 *
 * The changed workloads are therefore, in each direction: workloads on one side only and workloads whose pods
 * differ in anything a policy can see (both directions: they are seen as peers both ways); and the subjects,
 * on either side, of every policy added, removed or edited in that direction (its subject, its rules of that
 * direction, whether it applies to that direction, its priority). A workload changed as a source may have
 * different connections to any workload and external egress; as a destination, from any workload and
 * external ingress. Whatever reaches every workload at once (the engine settings, the address families
 * reported) makes every workload changed; the nodes, every subject of a policy whose rules select nodes.
 * Over-approximating is safe (a changed workload only costs its rows being compared); missing one is not.
 */
import type { PolicyAnalysis } from '../engine/analyse-cluster.js';
import { ClassWorkloads } from '../engine/workload-peers.js';
import { canonicalJson } from '../model/canonical-json.js';
import type { PodModel } from '../model/cluster-model.js';
import type { SnapshotNode } from '../model/snapshot.js';
import { workloadKey } from '../model/workload.js';
import type { AdminPolicyModel } from '../model/admin-network-policy.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';

export interface ChangedWorkloads {
  /** Every workload (something that reaches all of them differs); both sets then hold every workload key. */
  readonly all: boolean;
  /** Why every workload counts as changed, when it does. */
  readonly reason?: string;
  /** Keys of the workloads whose outgoing connections (to workloads and external ranges) may differ. */
  readonly sources: ReadonlySet<string>;
  /** Keys of the workloads whose incoming connections (from workloads and external ranges) may differ. */
  readonly destinations: ReadonlySet<string>;
}

type AnyPolicy = NetworkPolicyModel | AdminPolicyModel;
type Direction = 'egress' | 'ingress';

export function changedWorkloads(before: PolicyAnalysis, after: PolicyAnalysis): ChangedWorkloads {
  const global = globalDifference(before, after);
  if (global) {
    const allKeys = new Set([...new ClassWorkloads(before).keys, ...new ClassWorkloads(after).keys]);
    return { all: true, reason: global, sources: allKeys, destinations: allKeys };
  }

  const seen: Seen = {
    ipsMatter: addressesMatter(before) || addressesMatter(after),
    labelKeys: new Set([...before.referencedLabelValues.keys(), ...after.referencedLabelValues.keys()]),
    portNames: new Set([...portNamesOf(before), ...portNamesOf(after)]),
  };
  const changed: Record<Direction, Set<string>> = { egress: new Set(), ingress: new Set() };
  for (const w of lookChangedWorkloads(before, after, seen)) {
    changed.egress.add(w);
    changed.ingress.add(w);
  }

  const nodesDiffer = nodesText(before) !== nodesText(after);
  const policiesB = policiesByKey(before);
  const policiesA = policiesByKey(after);
  const addSubjects = (base: PolicyAnalysis, policy: AnyPolicy, into: Set<string>) => {
    base.evaluator.subjectOf(policy).forEach((c) => {
      for (const w of base.classes[c]!.workloads) into.add(w);
    });
  };
  for (const key of new Set([...policiesB.keys(), ...policiesA.keys()])) {
    const b = policiesB.get(key);
    const a = policiesA.get(key);
    for (const d of ['egress', 'ingress'] as const) {
      // a policy playing no part in a direction on either side (absent, or null there) changes nothing there
      const same = sameValue(a?.parts[d] ?? null, b?.parts[d] ?? null) && !(nodesDiffer && (a?.readsNodes[d] || b?.readsNodes[d]));
      if (same) continue;
      if (b) addSubjects(before, b.policy, changed[d]);
      if (a) addSubjects(after, a.policy, changed[d]);
    }
  }
  return { all: false, sources: changed.egress, destinations: changed.ingress };
}

/** What differs for every workload at once, if anything. */
function globalDifference(before: PolicyAnalysis, after: PolicyAnalysis): string | undefined {
  const settings = (a: PolicyAnalysis) => canonicalJson({ ipBlockPods: a.settings.ipBlockPods, hostNetwork: a.settings.hostNetwork, ipFamilies: a.settings.ipFamilies });
  if (settings(before) !== settings(after)) return 'the engine settings differ';
  if (before.addresses.families.join(',') !== after.addresses.families.join(',')) return 'the address families reported differ';
  return undefined;
}

/** Whether pod IPs (or node addresses) decide anything: some class was told apart by its address atoms. */
function addressesMatter(base: PolicyAnalysis): boolean {
  return base.classes.some((c) => c.addressAtoms.length > 0);
}

function nodesText(base: PolicyAnalysis): string {
  return base.model.nodes
    .map((n) => `${n.name}\u0002${nodeLook(n)}`)
    .sort()
    .join('\n');
}

/** What a policy can see of a node (admin nodes peers: its labels; a hostNetwork pod on it: its addresses). */
function nodeLook(n: SnapshotNode): string {
  return `${labelsText(n.labels)}\u0002${n.addresses.join(',')}`;
}

/**
 * What policies on either side can see of a pod: the label keys some pod selector names (a key no selector
 * names matches nothing and splits nothing), the port names some rule names (numbered container ports play
 * no part), and its IPs when some ipBlock or admin address peer can match a pod.
 */
interface Seen {
  readonly ipsMatter: boolean;
  readonly labelKeys: ReadonlySet<string>;
  readonly portNames: ReadonlySet<string>;
}

/** A side's pods grouped by workload: namespace -> kind -> name -> pods (no key string built per pod). */
type PodsByWorkload = Map<string, Map<string, Map<string, PodModel[]>>>;

function podsByWorkload(base: PolicyAnalysis): PodsByWorkload {
  const out: PodsByWorkload = new Map();
  const { pods } = base.model;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!;
    let kinds = out.get(pod.namespace);
    if (!kinds) out.set(pod.namespace, (kinds = new Map()));
    let names = kinds.get(pod.workload.kind);
    if (!names) kinds.set(pod.workload.kind, (names = new Map()));
    const list = names.get(pod.workload.name);
    if (list) list.push(pod);
    else names.set(pod.workload.name, [pod]);
  }
  return out;
}

/** One side's view of what policies see beyond the pod itself: its namespace's labels and the nodes. */
interface SideView {
  readonly namespaceLabels: (ns: string) => string;
  readonly node: (name: string) => string;
}

function sideView(base: PolicyAnalysis): SideView {
  const nodes = new Map(base.model.nodes.map((n) => [n.name, nodeLook(n)]));
  return {
    namespaceLabels: (ns) => labelsText(base.model.namespaces.get(ns)?.labels ?? {}),
    node: (name) => nodes.get(name) ?? '',
  };
}

/**
 * Workloads whose pods look different to some policy on the two sides (or that exist on one side only): a
 * workload looks the same when its namespace's labels are the same and the sets of its pods' looks are equal.
 * Pods are compared pairwise first (a workload's pods usually come in the same order on both sides, and equal
 * looks pod by pod mean equal sets); only a workload whose pods do not pair up that way has its looks built
 * as texts and compared as sets.
 */
function lookChangedWorkloads(before: PolicyAnalysis, after: PolicyAnalysis, seen: Seen): string[] {
  const pb = podsByWorkload(before);
  const pa = podsByWorkload(after);
  const vb = sideView(before);
  const va = sideView(after);
  const out: string[] = [];
  const all = (kinds: ReadonlyMap<string, ReadonlyMap<string, readonly PodModel[]>>, namespace: string) => {
    for (const [kind, names] of kinds) for (const name of names.keys()) out.push(workloadKey({ namespace, kind, name }));
  };
  for (const [namespace, kindsB] of pb) {
    const kindsA = pa.get(namespace);
    if (!kindsA || vb.namespaceLabels(namespace) !== va.namespaceLabels(namespace)) {
      all(kindsB, namespace);
      continue;
    }
    for (const [kind, namesB] of kindsB) {
      const namesA = kindsA.get(kind);
      for (const [name, podsB] of namesB) {
        const podsA = namesA?.get(name);
        if (!podsA || !sameLooks(podsB, podsA, seen, vb, va)) out.push(workloadKey({ namespace, kind, name }));
      }
    }
  }
  // workloads on the after side only
  for (const [namespace, kindsA] of pa) {
    const kindsB = pb.get(namespace);
    if (!kindsB) {
      all(kindsA, namespace);
      continue;
    }
    for (const [kind, namesA] of kindsA) {
      const namesB = kindsB.get(kind);
      for (const name of namesA.keys()) if (!namesB?.has(name)) out.push(workloadKey({ namespace, kind, name }));
    }
  }
  return out;
}

/** Whether two lists of one workload's pods hold the same set of looks. */
function sameLooks(b: readonly PodModel[], a: readonly PodModel[], seen: Seen, vb: SideView, va: SideView): boolean {
  if (b.length === a.length) {
    let paired = true;
    for (let i = 0; i < b.length && paired; i++) paired = b[i]!.name === a[i]!.name && samePodLook(b[i]!, a[i]!, seen, vb, va);
    if (paired) return true;
  }
  const looks = (pods: readonly PodModel[], v: SideView) => [...new Set(pods.map((p) => podLook(p, seen, v)))].sort().join('\n');
  return looks(b, vb) === looks(a, va);
}

/** podLook(b) === podLook(a), without building either text. */
function samePodLook(b: PodModel, a: PodModel, seen: Seen, vb: SideView, va: SideView): boolean {
  if (b.hostNetwork !== a.hostNetwork) return false;
  if (!sameSeenLabels(b.labels, a.labels, seen.labelKeys)) return false;
  if (!sameSeenPorts(b.ports, a.ports, seen.portNames)) return false;
  if ((seen.ipsMatter || b.hostNetwork) && b.ips.join(',') !== a.ips.join(',')) return false;
  if (b.hostNetwork && (b.nodeName ? vb.node(b.nodeName) : '') !== (a.nodeName ? va.node(a.nodeName) : '')) return false;
  return true;
}

/** labelsText(b, keys) === labelsText(a, keys): the same seen keys in the same order, with the same values. */
function sameSeenLabels(b: Readonly<Record<string, string>>, a: Readonly<Record<string, string>>, keys: ReadonlySet<string>): boolean {
  if (b === a) return true;
  const kb = Object.keys(b);
  const ka = Object.keys(a);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < kb.length && !keys.has(kb[i]!)) i++;
    while (j < ka.length && !keys.has(ka[j]!)) j++;
    if (i === kb.length || j === ka.length) return i === kb.length && j === ka.length;
    if (kb[i] !== ka[j] || b[kb[i]!] !== a[ka[j]!]) return false;
    i++;
    j++;
  }
}

/** The named ports policies name, in order, are the same (name, number, protocol). */
function sameSeenPorts(b: PodModel['ports'], a: PodModel['ports'], names: ReadonlySet<string>): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < b.length && !(b[i]!.name !== undefined && names.has(b[i]!.name!))) i++;
    while (j < a.length && !(a[j]!.name !== undefined && names.has(a[j]!.name!))) j++;
    if (i === b.length || j === a.length) return i === b.length && j === a.length;
    const x = b[i]!;
    const y = a[j]!;
    if (x.name !== y.name || x.port !== y.port || x.protocol !== y.protocol) return false;
    i++;
    j++;
  }
}

/**
 * Labels as text, only `keys` when given (label keys and values hold no control characters). In the object's
 * key order: a pod's labels come in one order from one source, and another order at worst counts as a change.
 */
function labelsText(labels: Readonly<Record<string, string>>, keys?: ReadonlySet<string>): string {
  let text = '';
  for (const k in labels) if (!keys || keys.has(k)) text += `${k}\u0000${labels[k]}\u0001`;
  return text;
}

/** Everything a policy can see of a pod (bar its namespace's labels), as one text. */
function podLook(pod: PodModel, seen: Seen, v: SideView): string {
  let ports = '';
  for (const p of pod.ports) if (p.name !== undefined && seen.portNames.has(p.name)) ports += `${p.name}/${p.port}/${p.protocol},`;
  const ips = seen.ipsMatter || pod.hostNetwork ? pod.ips.join(',') : '';
  const node = pod.hostNetwork && pod.nodeName ? v.node(pod.nodeName) : '';
  return `${labelsText(pod.labels, seen.labelKeys)}\u0002${ports}\u0002${pod.hostNetwork ? 1 : 0}\u0002${ips}\u0002${node}`;
}

/** Port names the policies' rules mention (NetworkPolicies and the admin tiers). */
function portNamesOf(base: PolicyAnalysis): string[] {
  const { model } = base;
  const rules = [
    ...model.networkPolicies.flatMap((p) => [...p.ingress, ...p.egress]),
    ...[...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])].flatMap((p) => [...p.ingress, ...p.egress]),
  ];
  return rules.flatMap((r) => (r.ports ?? []).flatMap((p) => (p.kind === 'named' ? [p.name] : [])));
}

interface PolicyView {
  readonly policy: AnyPolicy;
  /** Per direction, what decides it (null when it plays no part there): subject, priority, that direction's rules. */
  readonly parts: Readonly<Record<Direction, unknown>>;
  /** Per direction, whether its rules select nodes. */
  readonly readsNodes: Readonly<Record<Direction, boolean>>;
}

/** Every policy by kind and name, with what decides each direction. */
function policiesByKey(base: PolicyAnalysis): Map<string, PolicyView> {
  const out = new Map<string, PolicyView>();
  const { model } = base;
  for (const p of model.networkPolicies) {
    out.set(`np|${p.id}`, {
      policy: p,
      parts: { egress: p.affectsEgress ? [p.podSelector, p.egress] : null, ingress: p.affectsIngress ? [p.podSelector, p.ingress] : null },
      readsNodes: { egress: false, ingress: false },
    });
  }
  const admin = model.baselinePolicy ? [...model.adminPolicies, model.baselinePolicy] : model.adminPolicies;
  for (const p of admin) {
    const readsNodes = (rules: AdminPolicyModel['egress']) => rules.some((r) => r.peers.some((peer) => peer.kind === 'nodes'));
    out.set(`${p.tier}|${p.id}`, {
      policy: p,
      parts: { egress: p.egress.length ? [p.subject, p.priority, p.egress] : null, ingress: p.ingress.length ? [p.subject, p.priority, p.ingress] : null },
      readsNodes: { egress: readsNodes(p.egress), ingress: readsNodes(p.ingress) },
    });
  }
  return out;
}

/**
 * Whether two parsed policy parts are equal: primitives (CIDR bounds are big integers) by value, arrays item by
 * item, objects key by key in their order (the parser builds every object in one order; a selector written in
 * another key order at worst counts as changed).
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i] || !sameValue((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!])) return false;
  }
  return true;
}
