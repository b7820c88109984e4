import { describe, expect, it } from 'vitest';
import { objectsToContent } from '../../../../src/core/model/kube-objects.js';
import { topController } from '../../../../src/core/model/workload.js';
import { pod } from '../../../support/cluster-fixture.js';

const workloads = (objects: unknown[]) =>
  objectsToContent(objects.map((object, i) => ({ origin: `f${i}`, object }))).content.pods.map((p) => `${p.namespace}/${p.workload.name}[${p.workload.kind}]`);

describe('workload identity', () => {
  it('maps a ReplicaSet named <deployment>-<pod-template-hash> to its Deployment', () => {
    expect(topController('ns', 'web-5d8f9c7b6d-abcde', { 'pod-template-hash': '5d8f9c7b6d' }, { kind: 'ReplicaSet', name: 'web-5d8f9c7b6d' })).toEqual({ namespace: 'ns', name: 'web', kind: 'Deployment' });
  });
  it('keeps a ReplicaSet without the hash label as a ReplicaSet', () => {
    expect(topController('ns', 'p', {}, { kind: 'ReplicaSet', name: 'standalone' }).kind).toBe('ReplicaSet');
  });
  it('gives a bare pod and a static (Node-owned) pod their own identity', () => {
    expect(topController('ns', 'p', {}, undefined)).toEqual({ namespace: 'ns', name: 'p', kind: 'Pod' });
    expect(topController('kube-system', 'etcd-node1', {}, { kind: 'Node', name: 'node1' })).toEqual({ namespace: 'kube-system', name: 'etcd-node1', kind: 'Pod' });
  });
  it('maps a pod of a Job owned by a CronJob to the CronJob when the Job object is known', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'backup-28391234', namespace: 'ops', ownerReferences: [{ kind: 'CronJob', name: 'backup', controller: true }] }, spec: { template: { metadata: { labels: { app: 'backup' } }, spec: { containers: [] } } } };
    expect(workloads([job, pod('ops', 'backup-28391234-x', { owner: { kind: 'Job', name: 'backup-28391234' } })])).toEqual(['ops/backup[CronJob]']);
  });
  it('derives one pod per workload from templates when no pod of it is present', () => {
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80 }] }] } } } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'shop' }, spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: 'report' } }, spec: { containers: [] } } } } } };
    const content = objectsToContent([deploy, cron].map((object, i) => ({ origin: `f${i}`, object }))).content;
    expect(content.pods.map((p) => [p.workload.kind, p.workload.name, p.labels['app'], p.derivedFrom])).toEqual([
      ['Deployment', 'web', 'web', 'Deployment/web'],
      ['CronJob', 'report', 'report', 'CronJob/report'],
    ]);
    expect(content.pods[0]!.ports).toEqual([{ name: 'http', port: 80, protocol: 'TCP' }]);
    // observed pods win over templates
    expect(workloads([deploy, pod('shop', 'web-5d8f-x', { labels: { app: 'web', 'pod-template-hash': '5d8f' }, owner: { kind: 'ReplicaSet', name: 'web-5d8f' } })])).toEqual(['shop/web[Deployment]']);
  });
});
