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

  const ipsMatter = addressesMatter(before) || addressesMatter(after);
  const nodesDiffer = canonicalJson(nodeView(before)) !== canonicalJson(nodeView(after));
  const looksB = workloadLooks(before, ipsMatter);
  const looksA = workloadLooks(after, ipsMatter);
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

/** Per workload, everything a policy can see of its pods, as one text. */
function workloadLooks(base: PolicyAnalysis, ipsMatter: boolean): Map<string, string> {
  const pods = new Map<string, string[]>();
  const namespaceLabels = new Map<string, string>();
  const nodes = new Map(base.model.nodes.map((n) => [n.name, n]));
  for (const pod of base.model.pods) {
    const key = podWorkloadKey(pod);
    let list = pods.get(key);
    if (!list) pods.set(key, (list = []));
    list.push(podLook(pod, ipsMatter, nodes));
    if (!namespaceLabels.has(pod.namespace)) namespaceLabels.set(pod.namespace, canonicalJson(base.model.namespaces.get(pod.namespace)?.labels ?? {}));
  }
  const out = new Map<string, string>();
  for (const [key, list] of pods) {
    const ns = key.slice(0, key.indexOf('/'));
    out.set(key, `${namespaceLabels.get(ns)}\n${list.sort().join('\n')}`);
  }
  return out;
}

function podLook(pod: PodModel, ipsMatter: boolean, nodes: ReadonlyMap<string, { readonly labels: unknown; readonly addresses: unknown }>): string {
  const ports = pod.ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).sort();
  const node = pod.hostNetwork && pod.nodeName ? nodes.get(pod.nodeName) : undefined;
  return canonicalJson({
    labels: pod.labels,
    ports,
    hostNetwork: pod.hostNetwork,
    ...(ipsMatter || pod.hostNetwork ? { ips: pod.ips } : {}),
    ...(node ? { node: { labels: node.labels, addresses: node.addresses } } : {}),
  });
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
