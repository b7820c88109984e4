/**
 * Listed objects reduced, as each page arrives, to the fields objectsToContent reads — in the API's own JSON
 * shape, so a cluster and a manifest folder holding the same objects give the same snapshot. Everything else
 * (managedFields, env, volumes, images, status conditions, ...) is dropped at once; that keeps memory at a few
 * hundred bytes per pod, and no Secret-like content (env values, annotations on pods) is ever kept.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return Object.keys(out).length ? out : undefined;
}

/** ownerReferences reduced to kind, name and the controller flag (what top-controller resolution uses). */
function slimOwners(v: unknown): Json[] | undefined {
  const owners = list(v)
    .filter(isObject)
    .map((o) => ({
      ...(str(o['kind']) !== undefined ? { kind: o['kind'] } : {}),
      ...(str(o['name']) !== undefined ? { name: o['name'] } : {}),
      ...(o['controller'] === true ? { controller: true } : {}),
    }));
  return owners.length ? owners : undefined;
}

function slimMeta(meta: unknown, keep: { namespace?: boolean; labels?: boolean; owners?: boolean; policyMeta?: boolean }): Json {
  const m = isObject(meta) ? meta : {};
  const out: Json = { name: m['name'] };
  if (keep.namespace && str(m['namespace']) !== undefined) out['namespace'] = m['namespace'];
  if (keep.labels) {
    const labels = stringMap(m['labels']);
    if (labels) out['labels'] = labels;
  }
  if (keep.owners) {
    const owners = slimOwners(m['ownerReferences']);
    if (owners) out['ownerReferences'] = owners;
  }
  if (keep.policyMeta) {
    const annotations = stringMap(m['annotations']);
    if (annotations) {
      // a full copy of the object as last applied: large, and nothing the analysis uses
      delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
      if (Object.keys(annotations).length) out['annotations'] = annotations;
    }
    const ts = m['creationTimestamp'];
    if (typeof ts === 'string') out['creationTimestamp'] = ts;
    else if (ts instanceof Date && !Number.isNaN(ts.getTime())) out['creationTimestamp'] = ts.toISOString().replace(/\.000Z$/, 'Z');
  }
  return out;
}

function slimContainers(v: unknown): Json[] | undefined {
  const containers = list(v)
    .filter(isObject)
    .map((c) => {
      const ports = list(c['ports'])
        .filter(isObject)
        .map((p) => ({
          ...(p['name'] !== undefined ? { name: p['name'] } : {}),
          containerPort: p['containerPort'],
          ...(p['protocol'] !== undefined ? { protocol: p['protocol'] } : {}),
        }));
      return ports.length ? { ports } : {};
    });
  return containers.length ? containers : undefined;
}

/**
 * A pod: name, namespace, labels, owners; nodeName, hostNetwork and the ports of all containers (init containers
 * included: restartable init containers serve ports); phase and IPs.
 */
export function slimPod(pod: unknown): Json | undefined {
  if (!isObject(pod) || !isObject(pod['metadata'])) return undefined;
  const spec = isObject(pod['spec']) ? pod['spec'] : {};
  const status = isObject(pod['status']) ? pod['status'] : {};
  const slimSpec: Json = {};
  if (str(spec['nodeName'])) slimSpec['nodeName'] = spec['nodeName'];
  if (spec['hostNetwork'] === true) slimSpec['hostNetwork'] = true;
  const containers = slimContainers(spec['containers']);
  if (containers) slimSpec['containers'] = containers;
  const initContainers = slimContainers(spec['initContainers']);
  if (initContainers) slimSpec['initContainers'] = initContainers;
  const slimStatus: Json = {};
  if (str(status['phase'])) slimStatus['phase'] = status['phase'];
  if (str(status['podIP'])) slimStatus['podIP'] = status['podIP'];
  const podIPs = list(status['podIPs'])
    .filter(isObject)
    .filter((p) => typeof p['ip'] === 'string')
    .map((p) => ({ ip: p['ip'] }));
  if (podIPs.length) slimStatus['podIPs'] = podIPs;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: slimMeta(pod['metadata'], { namespace: true, labels: true, owners: true }),
    spec: slimSpec,
    status: slimStatus,
  };
}

export function slimNamespace(ns: unknown): Json | undefined {
  if (!isObject(ns) || !isObject(ns['metadata'])) return undefined;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: slimMeta(ns['metadata'], { labels: true }) };
}

/**
 * A Job, only for resolving Job -> CronJob: name, namespace and owners. Jobs nobody owns change nothing (a pod
 * of an unowned Job is that Job's), so they are dropped.
 */
export function slimJob(job: unknown): Json | undefined {
  if (!isObject(job) || !isObject(job['metadata'])) return undefined;
  const metadata = slimMeta(job['metadata'], { namespace: true, owners: true });
  if (!metadata['ownerReferences']) return undefined;
  return { apiVersion: 'batch/v1', kind: 'Job', metadata };
}

/**
 * A NetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy: identity, labels, annotations (without
 * kubectl's last-applied copy), creationTimestamp (ANP tie-breaks) and the spec verbatim, unknown fields
 * included, so a field newer than this client is seen by the engine rather than silently lost.
 */
export function slimPolicy(apiVersion: string, kind: string, namespaced: boolean): (obj: unknown) => Json | undefined {
  return (obj) => {
    if (!isObject(obj) || !isObject(obj['metadata'])) return undefined;
    return {
      apiVersion,
      kind,
      metadata: slimMeta(obj['metadata'], { namespace: namespaced, labels: true, policyMeta: true }),
      spec: obj['spec'] ?? null,
    };
  };
}
