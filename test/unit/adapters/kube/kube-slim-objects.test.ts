import { describe, expect, it } from 'vitest';
import { slimJob, slimNamespace, slimPod, slimPolicy } from '../../../../src/adapters/kube/kube-slim-objects.js';
import { objectsToContent } from '../../../../src/core/model/kube-objects.js';

/** A pod as the API returns it, with much that the analysis never uses. */
const fullPod = {
  metadata: {
    name: 'web-7d4b9c-x2x',
    namespace: 'shop',
    uid: '1b0e',
    resourceVersion: '4711',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
    annotations: { 'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/db' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
    managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:spec': {} } }],
  },
  spec: {
    nodeName: 'node-1',
    serviceAccountName: 'web',
    volumes: [{ name: 'token', projected: { sources: [] } }],
    initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', ports: [{ name: 'admin', containerPort: 9901, protocol: 'TCP' }] }],
    containers: [
      {
        name: 'web',
        image: 'registry/web:1',
        env: [{ name: 'DB_PASSWORD', value: 'hunter2-do-not-keep' }],
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { containerPort: 53, protocol: 'UDP', hostPort: 53 },
        ],
      },
      { name: 'sidecar', image: 'x' },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.1.2.3',
    podIPs: [{ ip: '10.1.2.3' }, { ip: 'fd00::3' }],
    hostIP: '192.168.0.10',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'web', ready: true, imageID: 'sha256:abc' }],
  },
};

describe('slimPod', () => {
  it('keeps exactly what objectsToContent reads, in the API shape', () => {
    expect(slimPod(fullPod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-7d4b9c-x2x',
        namespace: 'shop',
        labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c', controller: true }],
      },
      spec: {
        nodeName: 'node-1',
        containers: [{ ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }] }, {}],
        initContainers: [{ ports: [{ name: 'admin', containerPort: 9901, protocol: 'TCP' }] }],
      },
      status: { phase: 'Running', podIP: '10.1.2.3', podIPs: [{ ip: '10.1.2.3' }, { ip: 'fd00::3' }] },
    });
  });

  it('drops env values, annotations and everything else', () => {
    const text = JSON.stringify(slimPod(fullPod));
    for (const gone of ['hunter2', 'vault', 'managedFields', 'volumes', 'image', 'conditions', 'hostIP', 'uid', 'serviceAccountName']) {
      expect(text).not.toContain(gone);
    }
    expect(text.length).toBeLessThan(JSON.stringify(fullPod).length / 2);
  });

  it('gives the same snapshot content as the full object', () => {
    const full = objectsToContent([{ origin: 'a', object: { apiVersion: 'v1', kind: 'Pod', ...fullPod } }]);
    const slim = objectsToContent([{ origin: 'a', object: slimPod(fullPod) }]);
    expect(slim.content).toEqual(full.content);
    expect(slim.problems).toEqual([]);
    expect(slim.content.pods[0]!.workload).toEqual({ kind: 'Deployment', name: 'web' });
  });

  it('keeps hostNetwork, and minimal pods stay minimal', () => {
    expect(slimPod({ metadata: { name: 'p', namespace: 'n' }, spec: { hostNetwork: true } })).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n' },
      spec: { hostNetwork: true },
      status: {},
    });
    expect(slimPod(null)).toBeUndefined();
    expect(slimPod({ spec: {} })).toBeUndefined();
  });
});

describe('slimNamespace, slimJob', () => {
  it('namespace: name and labels', () => {
    expect(slimNamespace({ metadata: { name: 'shop', labels: { team: 'a' }, uid: 'x' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { team: 'a' } },
    });
  });

  it('job: only owned jobs, with name, namespace and owners', () => {
    const owned = { metadata: { name: 'backup-29000', namespace: 'ops', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'backup', uid: 'u', controller: true }] }, spec: { template: {} } };
    expect(slimJob(owned)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'backup-29000', namespace: 'ops', ownerReferences: [{ kind: 'CronJob', name: 'backup', controller: true }] },
    });
    expect(slimJob({ metadata: { name: 'once', namespace: 'ops' }, spec: {} })).toBeUndefined();
  });

  it('slim jobs resolve a pod to its CronJob', () => {
    const pod = { metadata: { name: 'backup-29000-abcde', namespace: 'ops', ownerReferences: [{ kind: 'Job', name: 'backup-29000', controller: true }] } };
    const job = { metadata: { name: 'backup-29000', namespace: 'ops', ownerReferences: [{ kind: 'CronJob', name: 'backup', controller: true }] } };
    const { content } = objectsToContent([
      { origin: 'c/pods', object: slimPod(pod) },
      { origin: 'c/jobs', object: slimJob(job) },
    ]);
    expect(content.pods.map((p) => p.workload)).toEqual([{ kind: 'CronJob', name: 'backup' }]);
  });
});

describe('slimPolicy', () => {
  const np = {
    metadata: {
      name: 'allow-web',
      namespace: 'shop',
      labels: { a: 'b' },
      creationTimestamp: '2026-01-02T03:04:05Z',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}', owner: 'team-a' },
      managedFields: [{}],
      generation: 3,
    },
    spec: { podSelector: {}, policyTypes: ['Ingress'], futureField: { kept: true } },
  };

  it('keeps identity, labels, annotations (minus last-applied), creationTimestamp and the spec verbatim', () => {
    expect(slimPolicy('networking.k8s.io/v1', 'NetworkPolicy', true)(np)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-web', namespace: 'shop', labels: { a: 'b' }, annotations: { owner: 'team-a' }, creationTimestamp: '2026-01-02T03:04:05Z' },
      spec: { podSelector: {}, policyTypes: ['Ingress'], futureField: { kept: true } },
    });
  });

  it('cluster-scoped policies carry no namespace; a Date timestamp is written as the API writes it', () => {
    const anp = slimPolicy('policy.networking.k8s.io/v1alpha1', 'AdminNetworkPolicy', false)({
      metadata: { name: 'a', creationTimestamp: new Date('2026-01-02T03:04:05Z') },
      spec: { priority: 1 },
    });
    expect(anp?.['metadata']).toEqual({ name: 'a', creationTimestamp: '2026-01-02T03:04:05Z' });
  });

  it('gives the same snapshot content as the full object', () => {
    const full = objectsToContent([{ origin: 'x', object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...np } }]);
    const slim = objectsToContent([{ origin: 'x', object: slimPolicy('networking.k8s.io/v1', 'NetworkPolicy', true)(np) }]);
    expect(slim.content).toEqual(full.content);
  });
});
