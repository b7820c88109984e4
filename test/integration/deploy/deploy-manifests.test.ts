/**
 * The deployment manifests under config/deploy are accepted by a real kube-apiserver: each object is
 * server-side applied as a dry run with strict field validation (typos and schema errors fail).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { describeWith } from '../../support/infra.js';
import { clusterAvailability, KubeHttp, needsBuild, type ClustersState } from '../collector/kube-test-env.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const DEPLOY = join(ROOT, 'config/deploy');

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

const RESOURCES: Record<string, { prefix: string; plural: string; namespaced: boolean }> = {
  'v1/Namespace': { prefix: '/api/v1', plural: 'namespaces', namespaced: false },
  'v1/ConfigMap': { prefix: '/api/v1', plural: 'configmaps', namespaced: true },
  'v1/Secret': { prefix: '/api/v1', plural: 'secrets', namespaced: true },
  'v1/ServiceAccount': { prefix: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  'v1/PersistentVolumeClaim': { prefix: '/api/v1', plural: 'persistentvolumeclaims', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', namespaced: false },
  'batch/v1/CronJob': { prefix: '/apis/batch/v1', plural: 'cronjobs', namespaced: true },
};

function manifests(): { file: string; obj: Obj }[] {
  const out: { file: string; obj: Obj }[] = [];
  for (const dir of [DEPLOY, join(DEPLOY, 'fleet')]) {
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
        const obj = doc.toJS() as Obj | null;
        if (obj) out.push({ file: join(dir, f).slice(ROOT.length + 1), obj });
      }
    }
  }
  return out;
}

describeWith('kube-apiserver', clusterAvailability(), 'deployment manifests', () => {
  let admin: KubeHttp;

  beforeAll(async () => {
    const script = (await import(pathToFileURL(join(ROOT, 'scripts/test-cluster.mjs')).href)) as { up(): Promise<unknown>; readState(): ClustersState | null };
    await script.up();
    const state = script.readState()!;
    admin = new KubeHttp(state.clusters.alpha, state.clusters.alpha.tokens.admin);
    // namespaced objects need their namespace to exist for a dry run
    const r = await admin.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'netpol-audit' } });
    expect([201, 409]).toContain(r.status);
  }, needsBuild() ? 30 * 60_000 : 300_000); // `up` may build the binaries and start four API servers

  it('ships the objects a single-cluster and a fleet installation need', () => {
    const kinds = manifests().map((m) => `${m.obj.kind}/${m.obj.metadata.name}`);
    for (const k of ['Namespace/netpol-audit', 'ClusterRole/netpol-audit-reader', 'ClusterRoleBinding/netpol-audit-reader', 'ServiceAccount/netpol-audit', 'PersistentVolumeClaim/netpol-audit-data', 'CronJob/netpol-audit-snapshot', 'CronJob/netpol-audit-report', 'Secret/netpol-audit-smtp', 'Secret/netpol-audit-store']) {
      expect(kinds).toContain(k);
    }
  });

  it('every object passes a strict server-side dry run', async () => {
    const list = manifests();
    expect(list.length).toBeGreaterThanOrEqual(14);
    for (const { file, obj } of list) {
      const res = RESOURCES[`${obj.apiVersion}/${obj.kind}`];
      expect(res, `${file}: ${obj.apiVersion} ${obj.kind} has no REST mapping in this test`).toBeDefined();
      const path = `${res!.prefix}${res!.namespaced ? `/namespaces/${obj.metadata.namespace}` : ''}/${res!.plural}/${obj.metadata.name}`;
      const r = await admin.request('PATCH', `${path}?dryRun=All&fieldManager=netpol-audit-test&force=true&fieldValidation=Strict`, JSON.stringify(obj), 'application/apply-patch+yaml');
      expect(r.status, `${file}: ${obj.kind} ${obj.metadata.name}: ${JSON.stringify(r.body).slice(0, 400)}`).toBeGreaterThanOrEqual(200);
      expect(r.status, `${file}: ${obj.kind} ${obj.metadata.name}: ${JSON.stringify(r.body).slice(0, 400)}`).toBeLessThan(300);
    }
  });

  it('runs the jobs as a non-root user with a read-only root filesystem and no privilege escalation', () => {
    for (const { file, obj } of manifests().filter((m) => m.obj.kind === 'CronJob')) {
      const spec = (obj as unknown as { spec: { concurrencyPolicy: string; jobTemplate: { spec: { template: { spec: { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown>; resources: { limits: Record<string, string> } }[] } } } } } }).spec;
      const pod = spec.jobTemplate.spec.template.spec;
      expect(spec.concurrencyPolicy, file).toBe('Forbid');
      expect(pod.securityContext['runAsNonRoot'], file).toBe(true);
      for (const c of pod.containers) {
        expect(c.securityContext['readOnlyRootFilesystem'], file).toBe(true);
        expect(c.securityContext['allowPrivilegeEscalation'], file).toBe(false);
        expect(c.resources.limits['memory'], file).toBeDefined();
      }
    }
  });
});
