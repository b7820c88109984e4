/**
 * The engine's view of a snapshot: namespaces with their labels (always including
 * kubernetes.io/metadata.name), the pods that can take part in traffic, and validated policies.
 */
import {
  parseAdminNetworkPolicy,
  parseBaselineAdminNetworkPolicy,
  type AdminPolicyModel,
} from './admin-network-policy.js';
import { parseNetworkPolicy, type NetworkPolicyModel } from './network-policy.js';
import type { FieldProblem } from './field-reader.js';
import type { ObjectProblem } from './object-problem.js';
import type { Snapshot, SnapshotContent, SnapshotNode, SnapshotPod } from './snapshot.js';
import { workloadKey, type WorkloadRef } from './workload.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface NamespaceModel {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * A pod as the engine sees it: the snapshot's own pod object (not copied: 100k copies were a visible share
 * of the analysis), except that a terminal pod is copied without its IPs.
 */
export type PodModel = SnapshotPod;

/** `namespace/name[Kind]` of a pod's top controller. */
export function podWorkloadKey(pod: PodModel): string {
  return workloadKey({ namespace: pod.namespace, kind: pod.workload.kind, name: pod.workload.name });
}

/** Whether a pod belongs to a workload (compared field by field: no key string built per pod). */
export function isPodOf(pod: PodModel, w: WorkloadRef): boolean {
  return pod.workload.name === w.name && pod.workload.kind === w.kind && pod.namespace === w.namespace;
}

export interface ClusterModel {
  readonly namespaces: ReadonlyMap<string, NamespaceModel>;
  /**
   * Every pod. Terminal pods (Succeeded/Failed) stay, as members of their workload (a Job or CronJob runs
   * again with the same labels), but without IPs: a finished pod's IP may already belong to another pod.
   */
  readonly pods: readonly PodModel[];
  readonly networkPolicies: readonly NetworkPolicyModel[];
  /** AdminNetworkPolicies in evaluation order: priority, then name. */
  readonly adminPolicies: readonly AdminPolicyModel[];
  readonly baselinePolicy: AdminPolicyModel | undefined;
  readonly nodes: readonly SnapshotNode[];
}

const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

export function buildClusterModel(snapshot: SnapshotContent | Snapshot): { model: ClusterModel; problems: ObjectProblem[] } {
  const problems: ObjectProblem[] = [];
  const namespaces = new Map<string, NamespaceModel>();
  const ensureNamespace = (name: string) => {
    if (!namespaces.has(name)) namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name } });
  };
  for (const ns of snapshot.namespaces) {
    // the control plane sets this immutable label on every namespace
    namespaces.set(ns.name, { name: ns.name, labels: { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name } });
  }
  const pods: PodModel[] = new Array(snapshot.pods.length);
  // an indexed loop over the pods: until V8 optimises it, for-of allocates an iterator result per step
  for (let i = 0; i < snapshot.pods.length; i++) {
    const pod = snapshot.pods[i]!;
    ensureNamespace(pod.namespace);
    const terminal = pod.phase !== undefined && TERMINAL_PHASES.has(pod.phase);
    pods[i] = terminal && pod.ips.length ? { ...pod, ips: [] } : pod;
  }
  const networkPolicies: NetworkPolicyModel[] = [];
  for (const np of snapshot.networkPolicies) {
    const namespace = np.namespace ?? 'default';
    ensureNamespace(namespace);
    const parsed = parseNetworkPolicy(namespace, np.name, np.spec);
    if (parsed.ok) networkPolicies.push(parsed.value);
    for (const p of parsed.ok ? parsed.warnings : parsed.problems) problems.push(objectProblem(np.origin, `NetworkPolicy ${namespace}/${np.name}`, p));
  }
  const adminPolicies: AdminPolicyModel[] = [];
  for (const anp of snapshot.adminNetworkPolicies) {
    const parsed = parseAdminNetworkPolicy(anp.name, anp.spec);
    if (parsed.ok) adminPolicies.push(parsed.value);
    for (const p of parsed.ok ? parsed.warnings : parsed.problems) problems.push(objectProblem(anp.origin, `AdminNetworkPolicy ${anp.name}`, p));
  }
  adminPolicies.sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < adminPolicies.length; i++) {
    const a = adminPolicies[i - 1]!;
    const b = adminPolicies[i]!;
    if (a.priority === b.priority) {
      problems.push({
        severity: 'warning',
        object: `AdminNetworkPolicy ${b.name}`,
        field: 'spec.priority',
        message: `has the same priority (${b.priority}) as AdminNetworkPolicy ${a.name}; where both match, implementations may pick either. netpol-audit evaluates them by name.`,
      });
    }
  }
  let baselinePolicy: AdminPolicyModel | undefined;
  for (const banp of snapshot.baselineAdminNetworkPolicies) {
    const parsed = parseBaselineAdminNetworkPolicy(banp.name, banp.spec);
    for (const p of parsed.ok ? parsed.warnings : parsed.problems) problems.push(objectProblem(banp.origin, `BaselineAdminNetworkPolicy ${banp.name}`, p));
    if (!parsed.ok) continue;
    if (baselinePolicy) {
      problems.push({ severity: 'error', origin: banp.origin, object: `BaselineAdminNetworkPolicy ${banp.name}`, message: 'only one BaselineAdminNetworkPolicy (named "default") may exist' });
    } else baselinePolicy = parsed.value;
  }
  return {
    model: { namespaces, pods, networkPolicies, adminPolicies, baselinePolicy, nodes: snapshot.nodes },
    problems,
  };
}

function objectProblem(origin: string | undefined, object: string, p: FieldProblem): ObjectProblem {
  return { severity: p.severity, ...(origin ? { origin } : {}), object, field: p.path, message: p.message };
}
