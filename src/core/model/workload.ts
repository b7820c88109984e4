/** Stable workload identity: `namespace/name[Kind]` of a pod's top controller. */

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'Pod' | string;

export interface WorkloadRef {
  readonly namespace: string;
  readonly name: string;
  readonly kind: WorkloadKind;
}

export function workloadKey(w: WorkloadRef): string {
  return `${w.namespace}/${w.name}[${w.kind}]`;
}

export function parseWorkloadKey(key: string): WorkloadRef | undefined {
  const m = key.match(/^([^/]+)\/(.+)\[([A-Za-z]+)\]$/);
  return m ? { namespace: m[1] as string, name: m[2] as string, kind: m[3] as string } : undefined;
}

/**
 * The top controller of a pod from its direct owner: a ReplicaSet named `<deployment>-<pod-template-hash>`
 * belongs to that Deployment; a Job owned by a CronJob belongs to the CronJob (when the Job's owner is known).
 */
export function topController(
  namespace: string,
  podName: string,
  podLabels: Readonly<Record<string, string>>,
  owner: { kind: string; name: string } | undefined,
  ownerOfOwner?: { kind: string; name: string },
): WorkloadRef {
  // a mirror (static) pod is "owned" by its Node: it is its own workload
  if (!owner || owner.kind === 'Node') return { namespace, name: podName, kind: 'Pod' };
  if (ownerOfOwner && (owner.kind === 'ReplicaSet' || owner.kind === 'Job')) return { namespace, name: ownerOfOwner.name, kind: ownerOfOwner.kind };
  if (owner.kind === 'ReplicaSet') {
    const hash = podLabels['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return { namespace, name: owner.name.slice(0, -hash.length - 1), kind: 'Deployment' };
  }
  return { namespace, name: owner.name, kind: owner.kind };
}
