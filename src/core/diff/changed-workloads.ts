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
 * The changed workloads are therefore: workloads on one side only, workloads whose pods differ in anything a
 * policy can see, and the subjects, on either side, of every policy added, removed or edited. Whatever
 * reaches every workload at once (the engine settings, the address families reported, the nodes an admin
 * nodes peer selects) makes every workload changed, or every subject of a policy that reads it.
 * Over-approximating is safe (a changed workload only costs its rows being compared); missing one is not.
 */
import type { PolicyAnalysis } from '../engine/analyse-cluster.js';
import { ClassWorkloads } from '../engine/workload-peers.js';
import { canonicalJson, sortKeys } from '../model/canonical-json.js';
import { podWorkloadKey, type PodModel } from '../model/cluster-model.js';
import type { AdminPolicyModel } from '../model/admin-network-policy.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';

export interface ChangedWorkloads {
  /** Every workload (something that reaches all of them differs); `keys` then holds every workload key. */
  readonly all: boolean;
  /** Why every workload counts as changed, when it does. */
  readonly reason?: string;
  /** Keys of the workloads whose connections may differ. */
  readonly keys: ReadonlySet<string>;
}

type AnyPolicy = NetworkPolicyModel | AdminPolicyModel;

export function changedWorkloads(before: PolicyAnalysis, after: PolicyAnalysis): ChangedWorkloads {
  const allKeys = new Set([...new ClassWorkloads(before).keys, ...new ClassWorkloads(after).keys]);
  const global = globalDifference(before, after);
  if (global) return { all: true, reason: global, keys: allKeys };

  const seen: Seen = {
    ipsMatter: addressesMatter(before) || addressesMatter(after),
    labelKeys: new Set([...before.referencedLabelValues.keys(), ...after.referencedLabelValues.keys()]),
    portNames: new Set([...portNamesOf(before), ...portNamesOf(after)]),
  };
  const nodesDiffer = canonicalJson(nodeView(before)) !== canonicalJson(nodeView(after));
  const looksB = workloadLooks(before, seen);
  const looksA = workloadLooks(after, seen);
  const keys = new Set<string>();
  for (const w of allKeys) if (looksB.get(w) !== looksA.get(w)) keys.add(w);

  const policiesB = policiesByKey(before);
  const policiesA = policiesByKey(after);
  const addSubjects = (base: PolicyAnalysis, policy: AnyPolicy) => {
    base.evaluator.subjectOf(policy).forEach((c) => {
      for (const w of base.classes[c]!.workloads) keys.add(w);
    });
  };
  for (const [key, b] of policiesB) {
    const a = policiesA.get(key);
    const changed = !a || a.text !== b.text || (nodesDiffer && (b.readsNodes || a.readsNodes));
    if (!changed) continue;
    addSubjects(before, b.policy);
    if (a) addSubjects(after, a.policy);
  }
  for (const [key, a] of policiesA) if (!policiesB.has(key)) addSubjects(after, a.policy);
  return { all: false, keys };
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

function nodeView(base: PolicyAnalysis): unknown {
  return base.model.nodes.map((n) => ({ name: n.name, labels: n.labels, addresses: n.addresses })).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
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

/** Per workload, everything a policy can see of its pods (each distinct pod view once), as one text. */
function workloadLooks(base: PolicyAnalysis, seen: Seen): Map<string, string> {
  const pods = new Map<string, Set<string>>();
  const namespaceLabels = new Map<string, string>();
  const nodes = new Map(base.model.nodes.map((n) => [n.name, `${labelsText(n.labels)}\u0002${n.addresses.join(',')}`]));
  const { pods: all } = base.model;
  for (let i = 0; i < all.length; i++) {
    const pod = all[i]!;
    const key = podWorkloadKey(pod);
    let views = pods.get(key);
    if (!views) pods.set(key, (views = new Set()));
    views.add(podLook(pod, seen, nodes));
    if (!namespaceLabels.has(pod.namespace)) namespaceLabels.set(pod.namespace, labelsText(base.model.namespaces.get(pod.namespace)?.labels ?? {}));
  }
  const out = new Map<string, string>();
  for (const [key, views] of pods) {
    const ns = key.slice(0, key.indexOf('/'));
    out.set(key, `${namespaceLabels.get(ns)}\n${[...views].sort().join('\n')}`);
  }
  return out;
}

/** Labels as text, keys sorted (label keys and values hold no control characters); only `keys` when given. */
function labelsText(labels: Readonly<Record<string, string>>, keys?: ReadonlySet<string>): string {
  return Object.keys(labels)
    .filter((k) => !keys || keys.has(k))
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

function podLook(pod: PodModel, seen: Seen, nodes: ReadonlyMap<string, string>): string {
  let ports = '';
  for (const p of pod.ports) if (p.name !== undefined && seen.portNames.has(p.name)) ports += `${p.name}/${p.port}/${p.protocol},`;
  if (ports) ports = ports.split(',').sort().join(',');
  const ips = seen.ipsMatter || pod.hostNetwork ? pod.ips.join(',') : '';
  const node = pod.hostNetwork && pod.nodeName ? (nodes.get(pod.nodeName) ?? '') : '';
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

/** Every policy by kind and name, with its parsed content as text and whether it reads the nodes. */
function policiesByKey(base: PolicyAnalysis): Map<string, { policy: AnyPolicy; text: string; readsNodes: boolean }> {
  const out = new Map<string, { policy: AnyPolicy; text: string; readsNodes: boolean }>();
  const { model } = base;
  for (const p of model.networkPolicies) out.set(`np|${p.id}`, { policy: p, text: policyText(p), readsNodes: false });
  const admin = model.baselinePolicy ? [...model.adminPolicies, model.baselinePolicy] : model.adminPolicies;
  for (const p of admin) {
    const readsNodes = [...p.ingress, ...p.egress].some((r) => r.peers.some((peer) => peer.kind === 'nodes'));
    out.set(`${p.tier}|${p.id}`, { policy: p, text: policyText({ ...p, priority: String(p.priority) }), readsNodes });
  }
  return out;
}

/** A parsed policy as canonical text (its CIDRs hold big integers). */
function policyText(policy: unknown): string {
  return JSON.stringify(sortKeys(policy), (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
