/**
 * Kubernetes objects (as parsed from YAML/JSON or returned by the API) turned into snapshot content:
 * namespaces, slim pods (observed, or derived from workload templates when no pod of the workload is
 * present), policies and nodes. Pure; every problem names the origin, the object and the field.
 */
import { FieldReader, join, describe, type JsonObject } from './field-reader.js';
import { MAX_PORT, PROTOCOLS, type Protocol } from './connection-set.js';
import type { ObjectProblem } from './object-problem.js';
import type {
  SnapshotContainerPort,
  SnapshotContent,
  SnapshotNamespace,
  SnapshotNode,
  SnapshotPod,
  SnapshotPolicy,
} from './snapshot.js';
import { topController } from './workload.js';

export interface SourcedObject {
  /** File path (manifests) or `cluster/resource`. */
  readonly origin: string;
  readonly object: unknown;
}

export const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicationController'] as const;
const POLICY_GROUP = 'policy.networking.k8s.io';

interface OwnerRef {
  kind: string;
  name: string;
}

interface WorkloadObject {
  origin: string;
  kind: string;
  namespace: string;
  name: string;
  owner?: OwnerRef;
  template: JsonObject | undefined;
  templatePath: string;
}

export interface ObjectsToContentResult {
  readonly content: SnapshotContent;
  readonly problems: ObjectProblem[];
  /** Kinds skipped because netpol-audit does not use them, with counts. */
  readonly skippedKinds: ReadonlyMap<string, number>;
}

function metaOf(r: FieldReader, obj: JsonObject) {
  const meta = r.object(obj, 'metadata', '') ?? {};
  const name = r.string(meta, 'name', 'metadata', true);
  const namespace = r.string(meta, 'namespace', 'metadata');
  const labels = r.stringMap(meta, 'labels', 'metadata') ?? {};
  const annotations = r.stringMap(meta, 'annotations', 'metadata');
  const owners: OwnerRef[] = [];
  let controller: OwnerRef | undefined;
  (r.list(meta, 'ownerReferences', 'metadata') ?? []).forEach((o, i) => {
    const p = join('metadata.ownerReferences', i);
    if (!r.isObject(o)) return r.fail(p, `expected an object, found ${describe(o)}`);
    const oname = r.string(o, 'name', p, true);
    let kind = r.string(o, 'kind', p);
    if (kind === undefined && oname) {
      r.warn(join(p, 'kind'), `is missing; the pod is grouped under workload ${oname}[Pod]`);
      kind = 'Pod';
    }
    if (kind && oname) {
      owners.push({ kind, name: oname });
      if (o['controller'] === true) controller = { kind, name: oname };
    }
  });
  const creationTimestamp = typeof meta['creationTimestamp'] === 'string' ? meta['creationTimestamp'] : undefined;
  return { name, namespace, labels, annotations, owner: controller ?? owners[0], creationTimestamp };
}

/** containerPorts of all containers, init containers included (restartable init containers serve ports). */
function readContainerPorts(r: FieldReader, podSpec: JsonObject, path: string): SnapshotContainerPort[] {
  const out: SnapshotContainerPort[] = [];
  for (const key of ['initContainers', 'containers']) {
    (r.list(podSpec, key, path) ?? []).forEach((c, i) => {
      const cp = join(join(path, key), i);
      if (!r.isObject(c)) return r.fail(cp, `expected a container object, found ${describe(c)}`);
      // a malformed containerPort only loses that port (a named port then resolves on nothing): warn, go on
      (r.list(c, 'ports', cp) ?? []).forEach((port, j) => {
        const pp = join(join(cp, 'ports'), j);
        if (!r.isObject(port)) return r.warn(pp, `expected a port object, found ${describe(port)}; port ignored`);
        const num = port['containerPort'];
        const name = typeof port['name'] === 'string' ? port['name'] : undefined;
        const proto = port['protocol'] ?? 'TCP';
        const unknown = Object.keys(port).filter((k) => !['containerPort', 'name', 'protocol', 'hostPort', 'hostIP'].includes(k));
        if (typeof num !== 'number' || !Number.isInteger(num) || num < 1 || num > MAX_PORT) {
          const hint = unknown.length ? ` (unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: a misspelling?)` : '';
          return r.warn(join(pp, 'containerPort'), `expected a port number from 1 to ${MAX_PORT}, found ${describe(num)}${hint}; port${name ? ` "${name}"` : ''} ignored`);
        }
        if (typeof proto !== 'string' || !PROTOCOLS.includes(proto as Protocol)) {
          return r.warn(join(pp, 'protocol'), `expected one of ${PROTOCOLS.join(', ')}, found ${describe(proto)}; port ignored`);
        }
        out.push({ port: num, protocol: proto as Protocol, ...(name ? { name } : {}) });
      });
    });
  }
  return out;
}

function readPodIps(r: FieldReader, status: JsonObject | undefined): string[] {
  if (!status) return [];
  const ips = new Set<string>();
  const single = r.string(status, 'podIP', 'status');
  if (single) ips.add(single);
  (r.list(status, 'podIPs', 'status') ?? []).forEach((e) => {
    if (r.isObject(e) && typeof e['ip'] === 'string') ips.add(e['ip']);
  });
  return [...ips];
}

/** The pod template of a workload object and the field path it sits at. */
function templateOf(r: FieldReader, kind: string, obj: JsonObject): { template: JsonObject | undefined; path: string } {
  const spec = r.object(obj, 'spec', '');
  if (!spec) {
    r.fail('spec', 'is required');
    return { template: undefined, path: 'spec' };
  }
  if (kind === 'CronJob') {
    const jt = r.object(spec, 'jobTemplate', 'spec');
    const jspec = jt && r.object(jt, 'spec', 'spec.jobTemplate');
    const t = jspec && r.object(jspec, 'template', 'spec.jobTemplate.spec');
    if (!t) r.fail('spec.jobTemplate.spec.template', 'is required');
    return { template: t, path: 'spec.jobTemplate.spec.template' };
  }
  const t = r.object(spec, 'template', 'spec');
  if (!t) r.fail('spec.template', 'is required');
  return { template: t, path: 'spec.template' };
}

export function objectsToContent(objects: readonly SourcedObject[]): ObjectsToContentResult {
  const problems: ObjectProblem[] = [];
  const skippedKinds = new Map<string, number>();
  const namespaces = new Map<string, SnapshotNamespace>();
  const pods: SnapshotPod[] = [];
  const networkPolicies: SnapshotPolicy[] = [];
  const adminNetworkPolicies: SnapshotPolicy[] = [];
  const baselineAdminNetworkPolicies: SnapshotPolicy[] = [];
  const nodes: SnapshotNode[] = [];
  const workloads: WorkloadObject[] = [];
  const seen = new Map<string, string>();

  const report = (origin: string, object: string, r: FieldReader) => {
    for (const p of r.problems) problems.push({ severity: p.severity, origin, object, field: p.path, message: p.message });
  };

  for (const { origin, object } of objects) {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      problems.push({ severity: 'warning', origin, message: `skipped: not a Kubernetes object (found ${describe(object)})` });
      continue;
    }
    const obj = object as JsonObject;
    const kind = obj['kind'];
    const apiVersion = obj['apiVersion'];
    if (typeof kind !== 'string' || typeof apiVersion !== 'string') {
      problems.push({ severity: 'warning', origin, message: 'skipped: not a Kubernetes object (no apiVersion and kind)' });
      continue;
    }
    const r = new FieldReader();
    const meta = metaOf(r, obj);
    const displayName = `${kind} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '<unnamed>'}`;
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const known =
      (kind === 'Namespace' || kind === 'Pod' || kind === 'Node') && group === ''
        ? true
        : kind === 'NetworkPolicy'
          ? group === 'networking.k8s.io'
          : kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy'
            ? group === POLICY_GROUP
            : (WORKLOAD_KINDS as readonly string[]).includes(kind);
    if (!known) {
      skippedKinds.set(`${kind} (${apiVersion})`, (skippedKinds.get(`${kind} (${apiVersion})`) ?? 0) + 1);
      continue;
    }
    if (meta.name === undefined) {
      report(origin, displayName, r);
      continue;
    }
    const clusterScoped = kind === 'Namespace' || kind === 'Node' || kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy';
    const namespace = clusterScoped ? '' : (meta.namespace ?? 'default');
    const identity = `${kind}|${namespace}|${meta.name}`;
    const previous = seen.get(identity);
    if (previous !== undefined) {
      problems.push({ severity: 'warning', origin, object: displayName, message: `duplicate of the object in ${previous}; this copy is ignored` });
      continue;
    }
    seen.set(identity, origin);

    switch (kind) {
      case 'Namespace':
        namespaces.set(meta.name, { name: meta.name, labels: meta.labels });
        break;
      case 'Node': {
        const status = r.object(obj, 'status', '');
        const addresses: string[] = [];
        (status ? (r.list(status, 'addresses', 'status') ?? []) : []).forEach((a) => {
          if (r.isObject(a) && typeof a['address'] === 'string' && (a['type'] === 'InternalIP' || a['type'] === 'ExternalIP')) addresses.push(a['address']);
        });
        nodes.push({ name: meta.name, labels: meta.labels, addresses });
        break;
      }
      case 'Pod': {
        const spec = r.object(obj, 'spec', '') ?? {};
        const status = r.object(obj, 'status', '');
        const ports = readContainerPorts(r, spec, 'spec');
        const pod: SnapshotPod = {
          namespace,
          name: meta.name,
          labels: meta.labels,
          workload: { kind: 'Pod', name: meta.name }, // resolved below, once all owners are known
          ...(meta.owner ? { owner: meta.owner } : {}),
          ...(typeof spec['nodeName'] === 'string' ? { nodeName: spec['nodeName'] } : {}),
          ips: readPodIps(r, status),
          hostNetwork: r.boolean(spec, 'hostNetwork', 'spec') ?? false,
          ...(status && typeof status['phase'] === 'string' ? { phase: status['phase'] } : {}),
          ports,
        };
        if (!r.hasErrors) pods.push(pod);
        break;
      }
      case 'NetworkPolicy':
      case 'AdminNetworkPolicy':
      case 'BaselineAdminNetworkPolicy': {
        const annotations = meta.annotations ? { ...meta.annotations } : undefined;
        if (annotations) delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
        const policy: SnapshotPolicy = {
          ...(kind === 'NetworkPolicy' ? { namespace } : {}),
          name: meta.name,
          ...(Object.keys(meta.labels).length ? { labels: meta.labels } : {}),
          ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
          ...(meta.creationTimestamp ? { creationTimestamp: meta.creationTimestamp } : {}),
          spec: obj['spec'] ?? null,
          origin,
        };
        (kind === 'NetworkPolicy' ? networkPolicies : kind === 'AdminNetworkPolicy' ? adminNetworkPolicies : baselineAdminNetworkPolicies).push(policy);
        break;
      }
      default: {
        const { template, path } = templateOf(r, kind, obj);
        workloads.push({ origin, kind, namespace, name: meta.name, ...(meta.owner ? { owner: meta.owner } : {}), template, templatePath: path });
      }
    }
    report(origin, displayName, r);
  }

  // top controllers: ReplicaSet -> Deployment, Job -> CronJob when the intermediate object is known
  const ownerOf = new Map<string, OwnerRef>();
  for (const w of workloads) if (w.owner) ownerOf.set(`${w.namespace}|${w.kind}|${w.name}`, w.owner);
  const resolved = pods.map((p) => {
    const parent = p.owner ? ownerOf.get(`${p.namespace}|${p.owner.kind}|${p.owner.name}`) : undefined;
    const top = topController(p.namespace, p.name, p.labels, p.owner, parent);
    return { ...p, workload: { kind: top.kind, name: top.name } };
  });
  const observed = new Set(resolved.map((p) => `${p.namespace}|${p.workload.kind}|${p.workload.name}`));

  // workloads without observed pods get one representative pod from their template
  for (const w of workloads) {
    const top = w.owner ?? { kind: w.kind, name: w.name };
    const topKey = `${w.namespace}|${top.kind}|${top.name}`;
    if (observed.has(topKey) || !w.template) continue;
    // a ReplicaSet/Job whose owner object is itself present derives from the owner's template instead
    if (w.owner && workloads.some((o) => o.namespace === w.namespace && o.kind === w.owner!.kind && o.name === w.owner!.name)) continue;
    observed.add(topKey);
    const r = new FieldReader();
    const tmeta = r.object(w.template, 'metadata', w.templatePath) ?? {};
    const labels = r.stringMap(tmeta, 'labels', join(w.templatePath, 'metadata')) ?? {};
    const tspec = r.object(w.template, 'spec', w.templatePath) ?? {};
    const ports = readContainerPorts(r, tspec, join(w.templatePath, 'spec'));
    const hostNetwork = r.boolean(tspec, 'hostNetwork', join(w.templatePath, 'spec')) ?? false;
    report(w.origin, `${w.kind} ${w.namespace}/${w.name}`, r);
    if (r.hasErrors) continue;
    resolved.push({
      namespace: w.namespace,
      name: `${top.name}-${top.kind.toLowerCase()}-template`,
      labels,
      workload: { kind: top.kind, name: top.name },
      ...(w.owner ? { owner: { kind: w.kind, name: w.name } } : {}),
      ips: [],
      hostNetwork,
      ports,
      derivedFrom: `${w.kind}/${w.name}`,
    });
  }

  for (const p of resolved) if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, { name: p.namespace, labels: {}, implicit: true });
  for (const np of networkPolicies) {
    const ns = np.namespace ?? 'default';
    if (!namespaces.has(ns)) namespaces.set(ns, { name: ns, labels: {}, implicit: true });
  }
  return {
    content: {
      namespaces: [...namespaces.values()],
      pods: resolved,
      networkPolicies,
      adminNetworkPolicies,
      baselineAdminNetworkPolicies,
      nodes,
    },
    problems,
    skippedKinds,
  };
}
