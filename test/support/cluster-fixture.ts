/** Builds small clusters from plain objects and runs the real engine on them (unit-test helper). */
import { parse as parseYaml } from 'yaml';
import { analyseCluster, type ClusterAnalysis } from '../../src/core/engine/analyse-cluster.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../src/core/engine/workload-connectivity.js';
import { buildClusterModel } from '../../src/core/model/cluster-model.js';
import { formatConnectionSet } from '../../src/core/model/connection-set.js';
import { formatRange } from '../../src/core/model/ip-address.js';
import { objectsToContent } from '../../src/core/model/kube-objects.js';
import type { ObjectProblem } from '../../src/core/model/object-problem.js';
import { makeSnapshot, type Snapshot } from '../../src/core/model/snapshot.js';

export function ns(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PodOptions {
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  ip?: string;
  hostNetwork?: boolean;
  phase?: string;
  owner?: { kind: string; name: string };
}

export function pod(namespace: string, name: string, o: PodOptions = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: o.labels ?? { app: name },
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.name, controller: true }] } : {}),
    },
    spec: { ...(o.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'c', image: 'x', ports: o.ports ?? [] }] },
    status: { ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}), ...(o.phase ? { phase: o.phase } : {}) },
  };
}

export function netpol(namespace: string, name: string, spec: unknown) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function anp(name: string, spec: unknown) {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec };
}

export function banp(spec: unknown, name = 'default') {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name }, spec };
}

/** YAML text (one or more documents separated by ---) to objects. */
export function yamlObjects(text: string): unknown[] {
  return text
    .split(/^---$/m)
    .map((d) => parseYaml(d))
    .filter((d) => d !== null && d !== undefined);
}

export function snapshotOf(objects: unknown[], takenAt = '2026-01-01T00:00:00.000Z'): { snapshot: Snapshot; problems: ObjectProblem[] } {
  const { content, problems } = objectsToContent(objects.map((object, i) => ({ origin: `fixture#${i}`, object })));
  return { snapshot: makeSnapshot({ cluster: 'test', takenAt, source: { type: 'manifests' } }, content), problems };
}

export function analyse(objects: unknown[], settings: Partial<EngineSettings> = {}): ClusterAnalysis & { problems: ObjectProblem[] } {
  const { snapshot, problems } = snapshotOf(objects);
  const built = buildClusterModel(snapshot);
  const analysis = analyseCluster(built.model, { ...DEFAULT_ENGINE_SETTINGS, ...settings });
  return Object.assign(analysis, { problems: [...problems, ...built.problems, ...analysis.warnings] });
}

/**
 * Connectivity as `src => dst` -> connections text, pod pairs and external ranges alike, e.g.
 * { 'a/x[Pod] => b/y[Pod]': 'TCP 80', 'a/x[Pod] => 0.0.0.0/0': 'All Connections' }.
 */
export function connectivity(objects: unknown[], settings: Partial<EngineSettings> = {}): Record<string, string> {
  const a = analyse(objects, settings);
  const errors = a.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`fixture has errors: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  const c = workloadConnectivity(a);
  const out: Record<string, string> = {};
  for (const x of c.connections) out[`${x.src} => ${x.dst}`] = formatConnectionSet(x.conns);
  for (const e of c.external) {
    const r = formatRange(e.range);
    out[e.direction === 'egress' ? `${e.workload} => ${r}` : `${r} => ${e.workload}`] = formatConnectionSet(e.conns);
  }
  return out;
}

/** Connections between two pods (workload keys of bare pods), or 'none'. */
export function between(conn: Record<string, string>, src: string, dst: string): string {
  return conn[`${src} => ${dst}`] ?? 'none';
}
