/**
 * The snapshot: everything the engine needs from one cluster at one time, in a versioned, normalised form
 * (sorted keys and lists), so equal clusters give equal bytes and an equal content hash. Manifest folders,
 * live clusters and the history store all produce and consume this one shape.
 */
import { canonicalJson, sha256, sortKeys } from './canonical-json.js';
import type { Protocol } from './connection-set.js';
import type { WorkloadKind } from './workload.js';

export const SNAPSHOT_FORMAT = 'netpol-audit/snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;

export interface SnapshotNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** True when no Namespace object was seen and the namespace is implied by the objects in it. */
  readonly implicit?: boolean;
}

export interface SnapshotContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface SnapshotPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The top controller, e.g. {kind: Deployment, name: web}; {kind: Pod, name: <pod>} for bare pods. */
  readonly workload: { readonly kind: WorkloadKind; readonly name: string };
  /** The direct controller owner, when there is one. */
  readonly owner?: { readonly kind: string; readonly name: string };
  readonly nodeName?: string;
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  readonly phase?: string;
  /** Named and numbered containerPorts of all containers (including init containers). */
  readonly ports: readonly SnapshotContainerPort[];
  /** Set when the pod was derived from a workload template in manifests, not observed. */
  readonly derivedFrom?: string;
}

/** A policy object as stored: identity, labels and its spec verbatim (rule order is kept: it matters for ANPs). */
export interface SnapshotPolicy {
  readonly namespace?: string;
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly creationTimestamp?: string;
  readonly spec: unknown;
  /** Where it came from (file path for manifests), for error messages. */
  readonly origin?: string;
}

export interface SnapshotNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly addresses: readonly string[];
}

export interface SnapshotSource {
  readonly type: 'cluster' | 'manifests' | 'synthetic';
  /** kubeconfig context or in-cluster; never credentials. */
  readonly context?: string;
  /** API server URL without credentials. */
  readonly server?: string;
  readonly serverVersion?: string;
  /** Manifest folder. */
  readonly path?: string;
}

export interface CollectedResource {
  readonly resource: string;
  /** Whether the API serves it (ANP/BANP are CRDs that may be absent). */
  readonly served: boolean;
  readonly count: number;
}

export interface CollectionFailure {
  readonly resource: string;
  readonly reason: string;
}

export interface SnapshotContent {
  readonly namespaces: readonly SnapshotNamespace[];
  readonly pods: readonly SnapshotPod[];
  readonly networkPolicies: readonly SnapshotPolicy[];
  readonly adminNetworkPolicies: readonly SnapshotPolicy[];
  readonly baselineAdminNetworkPolicies: readonly SnapshotPolicy[];
  readonly nodes: readonly SnapshotNode[];
}

export interface Snapshot extends SnapshotContent {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly formatVersion: number;
  readonly cluster: string;
  /** ISO-8601 UTC. */
  readonly takenAt: string;
  readonly source: SnapshotSource;
  readonly collected: readonly CollectedResource[];
  readonly failures: readonly CollectionFailure[];
  /** sha256 of the canonical JSON of the content (namespaces, pods, policies, nodes): equal clusters, equal hash. */
  readonly contentHash: string;
}

const byName = (a: { name: string; namespace?: string }, b: { name: string; namespace?: string }) => {
  const an = a.namespace ?? '';
  const bn = b.namespace ?? '';
  return an < bn ? -1 : an > bn ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};

function normalisePod(p: SnapshotPod): SnapshotPod {
  const ports = [...p.ports].sort(
    (a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) || ((a.name ?? '') < (b.name ?? '') ? -1 : 1),
  );
  return { ...p, ips: [...p.ips].sort(), ports };
}

/** Sorts every list and key of the content, so equal clusters serialise to equal bytes. */
export function normaliseContent(c: SnapshotContent): SnapshotContent {
  return sortKeys({
    namespaces: [...c.namespaces].sort(byName),
    pods: c.pods.map(normalisePod).sort(byName),
    networkPolicies: [...c.networkPolicies].sort(byName),
    adminNetworkPolicies: [...c.adminNetworkPolicies].sort(byName),
    baselineAdminNetworkPolicies: [...c.baselineAdminNetworkPolicies].sort(byName),
    nodes: [...c.nodes].map((n) => ({ ...n, addresses: [...n.addresses].sort() })).sort(byName),
  }) as SnapshotContent;
}

export function contentHash(c: SnapshotContent): string {
  const n = normaliseContent(c);
  return sha256(
    canonicalJson({
      namespaces: n.namespaces,
      pods: n.pods,
      networkPolicies: stripOrigin(n.networkPolicies),
      adminNetworkPolicies: stripOrigin(n.adminNetworkPolicies),
      baselineAdminNetworkPolicies: stripOrigin(n.baselineAdminNetworkPolicies),
      nodes: n.nodes,
    }),
  );
}

function stripOrigin(list: readonly SnapshotPolicy[]): SnapshotPolicy[] {
  return list.map(({ origin: _origin, ...rest }) => rest);
}

export interface SnapshotEnvelope {
  readonly cluster: string;
  readonly takenAt: string;
  readonly source: SnapshotSource;
  readonly collected?: readonly CollectedResource[];
  readonly failures?: readonly CollectionFailure[];
}

export function makeSnapshot(envelope: SnapshotEnvelope, content: SnapshotContent): Snapshot {
  const n = normaliseContent(content);
  return {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    cluster: envelope.cluster,
    takenAt: envelope.takenAt,
    source: sortKeys(envelope.source) as SnapshotSource,
    collected: [...(envelope.collected ?? [])].sort((a, b) => (a.resource < b.resource ? -1 : 1)),
    failures: [...(envelope.failures ?? [])].sort((a, b) => (a.resource < b.resource ? -1 : 1)),
    ...n,
    contentHash: contentHash(n),
  };
}

/** The snapshot's canonical serialisation (what the store keeps and hashes). */
export function serialiseSnapshot(s: Snapshot): string {
  return canonicalJson(s);
}
