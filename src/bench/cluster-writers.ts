/**
 * Writes snapshot content to disk in the two forms the benchmark loads: a manifest folder (what
 * `--manifests` reads: multi-document YAML files plus one big `kubectl get pods -A -o json` style PodList),
 * and a snapshot file (the canonical snapshot JSON with one pod per line, written and read as a stream, so a
 * 100k-pod snapshot is never one giant string).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify as yamlStringify } from 'yaml';
import { canonicalJson } from '../core/model/canonical-json.js';
import type { Snapshot, SnapshotContent, SnapshotPod, SnapshotPolicy } from '../core/model/snapshot.js';

export interface ManifestFolderOptions {
  /**
   * `kubectl` (default): pods as `kubectl get pods -A -o json` prints them (no managedFields, as kubectl hides
   * them; status conditions, container details, 4-space indentation; about 7 KB a pod). `slim`: only the fields
   * netpol-audit reads.
   */
  readonly podDetail?: 'kubectl' | 'slim';
  /** Namespaces per workloads/policies YAML file. */
  readonly namespacesPerFile?: number;
}

/** A write stream that respects backpressure. */
class Out {
  private readonly stream: WriteStream;
  private pending = '';

  constructor(file: string) {
    this.stream = createWriteStream(file, { encoding: 'utf8' });
  }

  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length < 1 << 20) return;
    await this.flush();
  }

  private async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = '';
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(resolve);
    });
  }
}

async function writeYamlDocuments(file: string, docs: Iterable<unknown>): Promise<void> {
  const out = new Out(file);
  let first = true;
  for (const d of docs) {
    await out.write(`${first ? '' : '---\n'}${yamlStringify(d, { lineWidth: 0 })}`);
    first = false;
  }
  await out.close();
}

function uid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const OWNER_API: Record<string, string> = { ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1', Deployment: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1', Node: 'v1' };
const PER_POD_LABELS = ['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'pod-template-generation', 'instance'];

function policyDocument(kind: string, apiVersion: string, p: SnapshotPolicy): unknown {
  return {
    apiVersion,
    kind,
    metadata: {
      name: p.name,
      ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
      ...(p.labels ? { labels: p.labels } : {}),
      ...(p.annotations ? { annotations: p.annotations } : {}),
      ...(p.creationTimestamp ? { creationTimestamp: p.creationTimestamp } : {}),
    },
    spec: p.spec,
  };
}

function containerPorts(pod: SnapshotPod) {
  return pod.ports.map((p) => ({ containerPort: p.port, ...(p.name ? { name: p.name } : {}), protocol: p.protocol }));
}

/** Workload objects (Deployment, StatefulSet, DaemonSet) for the pods' top controllers, from their first pod. */
function workloadDocuments(pods: readonly SnapshotPod[]): unknown[] {
  const groups = new Map<string, SnapshotPod[]>();
  for (const p of pods) {
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(p.workload.kind)) continue;
    const k = `${p.namespace}\u0000${p.workload.kind}\u0000${p.workload.name}`;
    const list = groups.get(k);
    if (list) list.push(p);
    else groups.set(k, [p]);
  }
  const docs: unknown[] = [];
  for (const list of groups.values()) {
    const first = list[0]!;
    const labels = Object.fromEntries(Object.entries(first.labels).filter(([k]) => !PER_POD_LABELS.includes(k)));
    const selector = first.labels['app'] !== undefined ? { app: first.labels['app'] } : first.labels['k8s-app'] !== undefined ? { 'k8s-app': first.labels['k8s-app'] } : labels;
    docs.push({
      apiVersion: 'apps/v1',
      kind: first.workload.kind,
      metadata: { name: first.workload.name, namespace: first.namespace, labels: selector },
      spec: {
        ...(first.workload.kind === 'DaemonSet' ? {} : { replicas: list.length }),
        ...(first.workload.kind === 'StatefulSet' ? { serviceName: first.workload.name } : {}),
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            ...(first.hostNetwork ? { hostNetwork: true } : {}),
            containers: [{ name: first.workload.name.slice(0, 63), image: `registry.example.com/${first.workload.name}:1.0`, ports: containerPorts(first) }],
          },
        },
      },
    });
  }
  return docs;
}

function slimPod(p: SnapshotPod): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: p.labels,
      ...(p.owner ? { ownerReferences: [{ apiVersion: OWNER_API[p.owner.kind] ?? 'v1', kind: p.owner.kind, name: p.owner.name, controller: true }] } : {}),
    },
    spec: {
      ...(p.nodeName ? { nodeName: p.nodeName } : {}),
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name: 'app', ports: containerPorts(p) }],
    },
    status: {
      ...(p.phase ? { phase: p.phase } : {}),
      ...(p.ips.length ? { podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })) } : {}),
    },
  };
}

/** A pod the way the API server returns it, with much that netpol-audit ignores (about 7 KB as kubectl prints it). */
function kubectlPod(p: SnapshotPod, i: number): Record<string, unknown> {
  const id = uid(`${p.namespace}/${p.name}`);
  const created = new Date(Date.UTC(2025, 11, 1) + (i % 86400) * 1000).toISOString().replace('.000Z', 'Z');
  const ports = containerPorts(p);
  const image = `registry.example.com/${p.namespace}/${p.workload.name}:1.${i % 7}.${i % 13}`;
  const appContainer = {
    env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }],
    image,
    imagePullPolicy: 'IfNotPresent',
    name: 'app',
    ports,
    readinessProbe: { failureThreshold: 3, httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 1 },
    resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access-' + id.slice(0, 5), readOnly: true }],
  };
  const condition = (type: string) => ({ lastProbeTime: null, lastTransitionTime: created, status: 'True', type });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-11-30T10:00:00Z' },
      creationTimestamp: created,
      ...(p.owner?.kind === 'ReplicaSet' ? { generateName: `${p.owner.name}-` } : {}),
      labels: p.labels,
      name: p.name,
      namespace: p.namespace,
      ...(p.owner ? { ownerReferences: [{ apiVersion: OWNER_API[p.owner.kind] ?? 'v1', blockOwnerDeletion: true, controller: true, kind: p.owner.kind, name: p.owner.name, uid: uid(p.owner.name) }] } : {}),
      resourceVersion: String(1_000_000 + i),
      uid: id,
    },
    spec: {
      containers: [appContainer],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      ...(p.nodeName ? { nodeName: p.nodeName } : {}),
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [{ effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 }],
      volumes: [{ name: 'kube-api-access-' + id.slice(0, 5), projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }],
    },
    status: {
      conditions: [condition('Initialized'), condition('Ready'), condition('ContainersReady'), condition('PodScheduled')],
      containerStatuses: [
        {
          containerID: `containerd://${createHash('sha256').update(id).digest('hex')}`,
          image,
          imageID: `registry.example.com/${p.workload.name}@sha256:${createHash('sha256').update(image).digest('hex')}`,
          lastState: {},
          name: 'app',
          ready: true,
          restartCount: i % 3,
          started: true,
          state: { running: { startedAt: created } },
        },
      ],
      hostIP: '172.16.0.10',
      hostIPs: [{ ip: '172.16.0.10' }],
      ...(p.phase ? { phase: p.phase } : {}),
      ...(p.ips.length ? { podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })) } : {}),
      qosClass: 'Burstable',
      startTime: created,
    },
  };
}

/**
 * Writes a manifest folder that the manifest loader reads back to the same snapshot content:
 * namespaces.yaml, nodes.yaml, workloads/*.yaml and policies/*.yaml (many documents per file),
 * admin-policies.yaml, and pods.json (one PodList, streamed).
 */
export async function writeManifestFolder(content: SnapshotContent, dir: string, opts: ManifestFolderOptions = {}): Promise<{ files: string[]; podsJsonBytes: number }> {
  const perFile = opts.namespacesPerFile ?? 100;
  await mkdir(join(dir, 'workloads'), { recursive: true });
  await mkdir(join(dir, 'policies'), { recursive: true });
  const files: string[] = [];
  const yamlFile = async (name: string, docs: unknown[]) => {
    if (!docs.length) return;
    files.push(name);
    await writeYamlDocuments(join(dir, name), docs);
  };
  await yamlFile(
    'namespaces.yaml',
    content.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })),
  );
  await yamlFile(
    'nodes.yaml',
    content.nodes.map((n) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n.name, labels: n.labels },
      status: { addresses: [...n.addresses.map((a) => ({ type: 'InternalIP', address: a })), { type: 'Hostname', address: n.name }] },
    })),
  );
  // namespaces in chunks, so each workloads/policies file holds many documents
  const nsOrder = [...new Set([...content.namespaces.map((n) => n.name), ...content.pods.map((p) => p.namespace), ...content.networkPolicies.map((p) => p.namespace ?? 'default')])];
  const chunkOf = new Map(nsOrder.map((n, i) => [n, Math.floor(i / perFile)]));
  const chunks = Math.ceil(nsOrder.length / perFile);
  const podsByChunk: SnapshotPod[][] = Array.from({ length: chunks }, () => []);
  for (const p of content.pods) podsByChunk[chunkOf.get(p.namespace)!]!.push(p);
  const policiesByChunk: SnapshotPolicy[][] = Array.from({ length: chunks }, () => []);
  for (const p of content.networkPolicies) policiesByChunk[chunkOf.get(p.namespace ?? 'default')!]!.push(p);
  for (let c = 0; c < chunks; c++) {
    const suffix = String(c).padStart(3, '0');
    await yamlFile(join('workloads', `workloads-${suffix}.yaml`), workloadDocuments(podsByChunk[c]!));
    await yamlFile(join('policies', `network-policies-${suffix}.yaml`), policiesByChunk[c]!.map((p) => policyDocument('NetworkPolicy', 'networking.k8s.io/v1', p)));
  }
  await yamlFile('admin-policies.yaml', [
    ...content.adminNetworkPolicies.map((p) => policyDocument('AdminNetworkPolicy', 'policy.networking.k8s.io/v1alpha1', p)),
    ...content.baselineAdminNetworkPolicies.map((p) => policyDocument('BaselineAdminNetworkPolicy', 'policy.networking.k8s.io/v1alpha1', p)),
  ]);

  // pods.json: a PodList as `kubectl get pods -A -o json` prints it, streamed item by item
  const detail = opts.podDetail ?? 'kubectl';
  const out = new Out(join(dir, 'pods.json'));
  let bytes = 0;
  const emit = async (text: string) => {
    bytes += Buffer.byteLength(text);
    await out.write(text);
  };
  await emit('{\n    "apiVersion": "v1",\n    "items": [\n');
  for (let i = 0; i < content.pods.length; i++) {
    const pod = content.pods[i]!;
    const text = detail === 'kubectl' ? JSON.stringify(kubectlPod(pod, i), null, 4) : JSON.stringify(slimPod(pod), null, 4);
    await emit(`${text.replace(/^/gm, '        ')}${i + 1 < content.pods.length ? ',' : ''}\n`);
  }
  await emit('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  await out.close();
  files.push('pods.json');
  return { files, podsJsonBytes: bytes };
}

/**
 * Writes a snapshot as its canonical JSON with each pod on a line of its own (still one valid JSON document),
 * pod by pod, never building the whole text.
 */
export async function writeSnapshotJson(snapshot: Snapshot, file: string): Promise<number> {
  await mkdir(dirname(file), { recursive: true });
  const { pods, ...rest } = snapshot;
  const envelope = canonicalJson({ ...rest, pods: [] });
  // keys are sorted and only source/takenAt follow `pods`, so the last `"pods":[]` is the top-level one
  const at = envelope.lastIndexOf('"pods":[]');
  const head = envelope.slice(0, at + '"pods":['.length);
  const tail = envelope.slice(at + '"pods":['.length);
  const out = new Out(file);
  let bytes = 0;
  const emit = async (text: string) => {
    bytes += Buffer.byteLength(text);
    await out.write(text);
  };
  await emit(`${head}\n`);
  for (let i = 0; i < pods.length; i++) await emit(`${i ? ',' : ''}${canonicalJson(pods[i])}\n`);
  await emit(`${tail}\n`);
  await out.close();
  return bytes;
}

/** Reads a file written by writeSnapshotJson line by line (any other JSON snapshot file is parsed whole). */
export async function readSnapshotJson(file: string): Promise<Snapshot> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let head: string | undefined;
  let tail = '';
  const pods: SnapshotPod[] = [];
  const whole: string[] = [];
  let layout = true;
  for await (const line of lines) {
    if (head === undefined) {
      head = line;
      if (!line.endsWith('"pods":[')) layout = false;
      if (!layout) whole.push(line);
      continue;
    }
    if (!layout) {
      whole.push(line);
      continue;
    }
    if (line.startsWith(']')) tail = line;
    else if (line.length) pods.push(JSON.parse(line.startsWith(',') ? line.slice(1) : line) as SnapshotPod);
  }
  if (!layout) return JSON.parse(whole.join('\n')) as Snapshot;
  const envelope = JSON.parse(`${head ?? ''}${tail}`) as Snapshot;
  return { ...envelope, pods };
}
