/**
 * The collector against real kube-apiservers (scripts/test-cluster.mjs: clusters alpha and beta, beta with the
 * AdminNetworkPolicy CRDs). Objects are seeded as admin over plain HTTPS, collected as the least-privileged
 * auditor, and compared with the same objects loaded as manifests.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { collectClusters, LISTED_RESOURCES, type CollectorHooks } from '../../../src/adapters/kube/cluster-collector.js';
import type { ClusterTarget, CollectOptions, CollectResult } from '../../../src/adapters/kube/cluster-target.js';
import { targetsFromKubeconfig } from '../../../src/adapters/kube/kubeconfig-targets.js';
import { analyseSnapshot } from '../../../src/app/analyse-snapshot.js';
import { snapshotFromManifests } from '../../../src/app/manifest-snapshot.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engine-settings.js';
import { workloadConnectivity } from '../../../src/core/engine/workload-connectivity.js';
import { formatConnectionSet } from '../../../src/core/model/connection-set.js';
import { formatRange } from '../../../src/core/model/ip-address.js';
import { makeSnapshot, type Snapshot } from '../../../src/core/model/snapshot.js';
import { describeWith } from '../../support/infra.js';
import {
  clusterAvailability,
  KubeHttp,
  needsBuild,
  startApiserver,
  startClusters,
  stopApiserver,
  stopClusters,
  writeKubeconfig,
  type ClustersState,
  type KubeconfigEntry,
} from './kube-test-env.js';

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const RUN = Math.random().toString(36).slice(2, 8);
const NS = { shop: `c-${RUN}-shop`, pay: `c-${RUN}-pay`, beta: `c-${RUN}-beta`, rbac: `c-${RUN}-rbac` };

let state: ClustersState;
let tmp: string;
let alphaAdmin: KubeHttp;
let betaAdmin: KubeHttp;

/** Everything the collector said in this suite: results and progress lines, searched for credentials last. */
const said: string[] = [];
/** Credentials this suite made (service-account tokens, a wrong token); the static ones come from state.json. */
const madeSecrets: string[] = [];

const clock = () => new Date('2026-03-01T12:00:00.000Z');

function options(over: Partial<CollectOptions> = {}): CollectOptions {
  return {
    pageSize: 5,
    timeoutMs: 10_000,
    retries: 2,
    concurrency: 4,
    now: clock,
    onProgress: (cluster, phase) => said.push(`[${cluster}] ${phase}`),
    ...over,
  };
}

const fastRetries: CollectorHooks = { backoff: { baseDelayMs: 20, maxDelayMs: 100 } };

async function collect(targets: ClusterTarget[], over: Partial<CollectOptions> = {}, hooks: CollectorHooks = fastRetries): Promise<CollectResult[]> {
  const results = await collectClusters(targets, options(over), { ...fastRetries, ...hooks });
  said.push(JSON.stringify(results));
  return results;
}

function target(context: string, kubeconfig = state.kubeconfig): ClusterTarget {
  return targetsFromKubeconfig({ kubeconfig, contexts: [context] })[0]!;
}

function snapshotOf(r: CollectResult | undefined): Snapshot {
  if (!r?.ok) throw new Error(`collection of ${r?.cluster} failed: ${r && !r.ok ? r.reason : 'no result'}`);
  return r.snapshot;
}

// ----------------------------------------------------------------------------------------------------------
// seeding (as admin, over plain HTTPS)

interface PodSpec {
  labels: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string };
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  sidecarPorts?: { name?: string; containerPort: number }[];
  ip: string;
  hostNetwork?: boolean;
  phase?: string;
}

async function createPod(kube: KubeHttp, namespace: string, name: string, p: PodSpec): Promise<void> {
  await kube.create(`/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: p.labels,
      ...(p.owner ? { ownerReferences: [{ ...p.owner, uid: `uid-${p.owner.kind}-${p.owner.name}`, controller: true }] } : {}),
    },
    spec: {
      nodeName: 'node-1',
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      ...(p.sidecarPorts ? { initContainers: [{ name: 'proxy', image: 'registry.invalid/proxy:1', restartPolicy: 'Always', ports: p.sidecarPorts }] } : {}),
      containers: [
        {
          name: 'main',
          image: 'registry.invalid/app:1',
          env: [{ name: 'API_KEY', value: 'env-value-that-must-never-be-collected' }],
          ports: p.ports ?? [],
        },
      ],
    },
  });
  // no kubelet here: the IPs and phase come through the status subresource
  await kube.ok(
    'PATCH',
    `/api/v1/namespaces/${namespace}/pods/${name}/status`,
    { status: { phase: p.phase ?? 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] } },
    'application/merge-patch+json',
  );
}

async function createNamespace(kube: KubeHttp, name: string, labels: Record<string, string>): Promise<void> {
  await kube.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

async function createPolicy(kube: KubeHttp, namespace: string, name: string, spec: unknown): Promise<void> {
  await kube.create(`/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, labels: { run: RUN } },
    spec,
  });
}

async function createJob(kube: KubeHttp, namespace: string, name: string, owner?: string): Promise<void> {
  await kube.create(`/apis/batch/v1/namespaces/${namespace}/jobs`, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace,
      ...(owner ? { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: owner, uid: `uid-cronjob-${owner}`, controller: true }] } : {}),
    },
    spec: { template: { metadata: { labels: { app: owner ?? name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'registry.invalid/job:1' }] } } },
  });
}

async function seedAlpha(kube: KubeHttp): Promise<void> {
  await createNamespace(kube, NS.shop, { team: 'shop', run: RUN });
  await createNamespace(kube, NS.pay, { team: 'pay', run: RUN });
  const web = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c' };
  const webPod = (ip: string): PodSpec => ({
    labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
    owner: web,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    sidecarPorts: [{ name: 'metrics', containerPort: 9090 }],
    ip,
  });
  await createPod(kube, NS.shop, 'web-7d4b9c-aaaaa', webPod('10.1.0.1'));
  await createPod(kube, NS.shop, 'web-7d4b9c-bbbbb', webPod('10.1.0.2'));
  await createPod(kube, NS.shop, 'db-0', {
    labels: { app: 'db' },
    owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' },
    ports: [{ name: 'pg', containerPort: 5432 }],
    ip: '10.1.0.3',
  });
  await createJob(kube, NS.shop, 'backup-29000', 'backup');
  await createPod(kube, NS.shop, 'backup-29000-xk2p9', {
    labels: { app: 'backup' },
    owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'backup-29000' },
    ip: '10.1.0.4',
    phase: 'Running',
  });
  await createJob(kube, NS.shop, 'adhoc');
  await createPod(kube, NS.shop, 'adhoc-7hz2q', { labels: { app: 'adhoc' }, owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'adhoc' }, ip: '10.1.0.5' });
  // a static (mirror) pod: owned by its Node, its own workload
  await createPod(kube, NS.shop, 'node-agent-node-1', {
    labels: { app: 'node-agent' },
    owner: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
    ports: [{ name: 'agent', containerPort: 9100 }],
    ip: '10.1.0.6',
  });
  await createPod(kube, NS.shop, 'debug', { labels: { app: 'debug' }, ip: '10.1.0.7' });
  await createPod(kube, NS.pay, 'api-5f6d7-ccccc', {
    labels: { app: 'api', 'pod-template-hash': '5f6d7' },
    owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-5f6d7' },
    ports: [{ name: 'https', containerPort: 8443 }],
    ip: '10.2.0.1',
  });
  await createPod(kube, NS.pay, 'worker', { labels: { app: 'worker' }, ip: '10.2.0.2' });

  await createPolicy(kube, NS.shop, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  await createPolicy(kube, NS.shop, 'web-from-pay', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'pay' } }, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }],
  });
  await createPolicy(kube, NS.shop, 'db-from-web', {
    podSelector: { matchLabels: { app: 'db' } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 'pg' }] }],
  });
  await createPolicy(kube, NS.shop, 'web-egress', {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Egress'],
    egress: [
      { to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] },
    ],
  });
  await createPolicy(kube, NS.pay, 'worker-isolated', { podSelector: { matchLabels: { app: 'worker' } }, policyTypes: ['Ingress'] });
}

async function seedBeta(kube: KubeHttp): Promise<void> {
  await createNamespace(kube, NS.beta, { team: 'beta', run: RUN });
  await createNamespace(kube, NS.rbac, { run: RUN });
  for (let i = 0; i < 7; i++) await createPod(kube, NS.beta, `p${i}`, { labels: { app: i % 2 ? 'odd' : 'even' }, ip: `10.3.0.${i + 1}` });
  await createPolicy(kube, NS.beta, 'odd-from-even', { podSelector: { matchLabels: { app: 'odd' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'even' } } }] }] });
}

// ----------------------------------------------------------------------------------------------------------

function connectivity(snapshot: Snapshot) {
  const { analysis, problems } = analyseSnapshot(snapshot, DEFAULT_ENGINE_SETTINGS);
  const c = workloadConnectivity(analysis);
  return {
    errors: problems.filter((p) => p.severity === 'error'),
    workloads: c.workloads,
    connections: Object.fromEntries(c.connections.map((x) => [`${x.src} => ${x.dst}`, formatConnectionSet(x.conns)])),
    external: c.external.map((e) => `${e.direction} ${e.workload} ${formatRange(e.range)}: ${formatConnectionSet(e.conns)}`),
  };
}

/** The snapshot restricted to some namespaces (the test clusters may hold objects of earlier runs). */
function restrict(s: Snapshot, namespaces: readonly string[]): Snapshot {
  const keep = (ns: string | undefined) => ns !== undefined && namespaces.includes(ns);
  return makeSnapshot(
    { cluster: s.cluster, takenAt: s.takenAt, source: s.source },
    {
      namespaces: s.namespaces.filter((n) => keep(n.name)),
      pods: s.pods.filter((p) => keep(p.namespace)),
      networkPolicies: s.networkPolicies.filter((p) => keep(p.namespace)),
      adminNetworkPolicies: [],
      baselineAdminNetworkPolicies: [],
      nodes: [],
    },
  );
}

/** The objects in some namespaces exactly as the API serves them (admin), written as `kubectl get -o json` lists. */
async function dumpAsManifests(kube: KubeHttp, namespaces: readonly string[], dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const lists: [string, string][] = [
    ['namespaces', '/api/v1/namespaces'],
    ['pods', '/api/v1/pods'],
    ['networkpolicies', '/apis/networking.k8s.io/v1/networkpolicies'],
    ['jobs', '/apis/batch/v1/jobs'],
  ];
  for (const [name, path] of lists) {
    const list = await kube.ok('GET', path);
    const items = (list['items'] as { metadata: { name: string; namespace?: string } }[]).filter((o) =>
      namespaces.includes(name === 'namespaces' ? o.metadata.name : (o.metadata.namespace ?? '')),
    );
    writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...list, items }, null, 2));
  }
}

// ----------------------------------------------------------------------------------------------------------

const availability = clusterAvailability();

describeWith('kube-apiserver', availability, 'cluster collector against real kube-apiservers', () => {
  beforeAll(
    async () => {
      state = (await startClusters()).state;
      tmp = mkdtempSync(join(tmpdir(), 'netpol-collector-'));
      alphaAdmin = new KubeHttp(state.clusters.alpha, state.clusters.alpha.tokens.admin);
      betaAdmin = new KubeHttp(state.clusters.beta, state.clusters.beta.tokens.admin);
      await Promise.all([seedAlpha(alphaAdmin), seedBeta(betaAdmin)]);
    },
    needsBuild() ? 30 * 60_000 : 180_000,
  );

  afterAll(async () => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    // the suite's own instance, always stopped: its namespaces, service accounts and RBAC objects go with it
    await stopClusters();
  }, 60_000);

  it('collects alpha as the auditor, paging, and equals the same objects loaded as manifests', async () => {
    const requests: string[] = [];
    const [result] = await collect([target(state.clusters.alpha.contexts.auditor)], {}, { onRequest: (_c, method, url) => requests.push(`${method} ${url}`) });
    const snap = snapshotOf(result);

    expect(snap.cluster).toBe('alpha-auditor');
    expect(snap.takenAt).toBe('2026-03-01T12:00:00.000Z');
    expect(snap.source).toEqual({ type: 'cluster', context: 'alpha-auditor', server: state.clusters.alpha.server, serverVersion: 'v1.34.4' });
    expect(snap.failures).toEqual([]);
    expect(snap.collected.find((c) => c.resource === 'adminnetworkpolicies')).toEqual({ resource: 'adminnetworkpolicies', served: false, count: 0 });

    // paging: every list went out with limit=5; pods (> 5 in the cluster) needed ceil(n/5) requests, continued
    const allPods = ((await alphaAdmin.ok('GET', '/api/v1/pods'))['items'] as unknown[]).length;
    expect(allPods).toBeGreaterThan(5);
    const podRequests = requests.filter((r) => r.includes('/api/v1/pods?'));
    expect(podRequests).toHaveLength(Math.ceil(allPods / 5));
    expect(podRequests.every((r) => /[?&]limit=5(&|$)/.test(r))).toBe(true);
    expect(podRequests.slice(1).every((r) => /[?&]continue=/.test(r))).toBe(true);
    expect(snap.collected.find((c) => c.resource === 'pods')?.count).toBe(allPods);

    // slim pods, workloads resolved to their top controllers
    const mine = restrict(snap, [NS.shop, NS.pay]);
    const byName = Object.fromEntries(mine.pods.map((p) => [p.name, p]));
    expect(byName['web-7d4b9c-aaaaa']).toEqual({
      namespace: NS.shop,
      name: 'web-7d4b9c-aaaaa',
      labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
      workload: { kind: 'Deployment', name: 'web' },
      owner: { kind: 'ReplicaSet', name: 'web-7d4b9c' },
      nodeName: 'node-1',
      ips: ['10.1.0.1'],
      hostNetwork: false,
      phase: 'Running',
      ports: [
        { name: 'http', port: 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
    });
    expect(byName['backup-29000-xk2p9']?.workload).toEqual({ kind: 'CronJob', name: 'backup' });
    expect(byName['adhoc-7hz2q']?.workload).toEqual({ kind: 'Job', name: 'adhoc' });
    expect(byName['node-agent-node-1']?.workload).toEqual({ kind: 'Pod', name: 'node-agent-node-1' });
    expect(byName['db-0']?.workload).toEqual({ kind: 'StatefulSet', name: 'db' });
    expect(JSON.stringify(snap)).not.toContain('env-value-that-must-never-be-collected');

    // the same objects as manifests: the same content hash, the same connectivity
    const dir = join(tmp, 'alpha-manifests');
    await dumpAsManifests(alphaAdmin, [NS.shop, NS.pay], dir);
    const fromManifests = await snapshotFromManifests(dir, { takenAt: snap.takenAt });
    expect(fromManifests.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(fromManifests.snapshot.pods).toEqual(mine.pods);
    expect(fromManifests.snapshot.networkPolicies.map(({ origin: _o, ...p }) => p)).toEqual(mine.networkPolicies.map(({ origin: _o, ...p }) => p));
    expect(fromManifests.snapshot.contentHash).toBe(mine.contentHash);

    const live = connectivity(mine);
    const files = connectivity(fromManifests.snapshot);
    expect(live.errors).toEqual([]);
    expect(live).toEqual(files);
    expect(live.workloads).toEqual(
      [
        `${NS.pay}/api[Deployment]`,
        `${NS.pay}/worker[Pod]`,
        `${NS.shop}/adhoc[Job]`,
        `${NS.shop}/backup[CronJob]`,
        `${NS.shop}/db[StatefulSet]`,
        `${NS.shop}/debug[Pod]`,
        `${NS.shop}/node-agent-node-1[Pod]`,
        `${NS.shop}/web[Deployment]`,
      ].sort(),
    );
    expect(live.connections[`${NS.pay}/api[Deployment] => ${NS.shop}/web[Deployment]`]).toBe('TCP 8080');
    expect(live.connections[`${NS.shop}/web[Deployment] => ${NS.shop}/db[StatefulSet]`]).toBe('TCP 5432');
    expect(live.connections[`${NS.pay}/api[Deployment] => ${NS.shop}/db[StatefulSet]`]).toBeUndefined();
    expect(live.connections[`${NS.shop}/debug[Pod] => ${NS.pay}/api[Deployment]`]).toBeUndefined();
  });

  it('the nobody user gets a 403 that names the missing permission; a wrong token gets a 401 without echoing it', async () => {
    const wrong = `alpha-auditor-${'0'.repeat(32)}-wrong`;
    madeSecrets.push(wrong);
    const kubeconfig = writeKubeconfig(join(tmp, 'wrong-token.kubeconfig'), [
      { name: 'alpha-wrong-token', server: state.clusters.alpha.server, caFile: state.clusters.alpha.caFile, token: wrong },
    ]);
    const [nobody, bad] = await collect([target(state.clusters.alpha.contexts.nobody), target('alpha-wrong-token', kubeconfig)]);
    expect(nobody).toMatchObject({ cluster: 'alpha-nobody', ok: false });
    expect(nobody?.ok === false && nobody.reason).toBe(
      'forbidden: cannot list namespaces at cluster scope as user "nobody" (grant list on namespaces in the core API group ""; see config/deploy/rbac.yaml)',
    );
    expect(bad?.ok === false && bad.reason).toMatch(
      /^unauthorized: https:\/\/127\.0\.0\.1:\d+ rejected the credentials of context alpha-wrong-token \(HTTP 401\) while trying to read \/version/,
    );
    expect(JSON.stringify(bad)).not.toContain(wrong);
  });

  it('RBAC: the shipped ClusterRole suffices, grants exactly what is read, and every single rule/resource/verb of it is needed', async () => {
    type Role = { kind: string; metadata: { name: string }; rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    const docs = parseAllDocuments(readFileSync(join(REPO_ROOT, 'config/deploy/rbac.yaml'), 'utf8')).map((d) => d.toJS() as Role);
    const role = docs.find((d) => d?.kind === 'ClusterRole' && d.metadata?.name === 'netpol-audit-reader');
    if (!role) throw new Error('config/deploy/rbac.yaml has no ClusterRole netpol-audit-reader');
    const rules = role.rules;

    // exactly: the (group, resource, verb) triples granted are the ones the collector uses
    const granted = rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${res}.${g}`)))).sort();
    const used = LISTED_RESOURCES.map((r) => `${r.access.verb} ${r.access.resource}.${r.access.group}`).sort();
    expect(granted).toEqual(used);

    // every reduction of the role by one rule, one resource or one verb
    type Rule = (typeof rules)[number];
    const variants: { name: string; rules: Rule[]; removed: string[] }[] = [{ name: 'full', rules, removed: [] }];
    rules.forEach((rule, i) => {
      const others = rules.filter((_, j) => j !== i);
      variants.push({ name: `no-rule-${i}`, rules: others, removed: rule.resources });
      if (rule.resources.length > 1) {
        for (const res of rule.resources) {
          variants.push({ name: `no-${res}`, rules: [...others, { ...rule, resources: rule.resources.filter((r) => r !== res) }], removed: [res] });
        }
      }
      if (rule.verbs.length > 1) {
        for (const verb of rule.verbs) {
          variants.push({
            name: `no-${verb}-${i}`,
            rules: [...others, { ...rule, verbs: rule.verbs.filter((v) => v !== verb) }],
            removed: verb === 'list' ? rule.resources : [],
          });
        }
      }
    });
    expect(variants.length).toBeGreaterThanOrEqual(1 + rules.length);

    // one ServiceAccount per variant, bound to its own reduced ClusterRole; a real token from the TokenRequest API
    const beta = state.clusters.beta;
    const entries: KubeconfigEntry[] = [];
    for (const v of variants) {
      const name = `netpol-audit-test-${RUN}-${v.name}`;
      const sa = `sa-${v.name}`;
      await betaAdmin.create(`/api/v1/namespaces/${NS.rbac}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } });
      await betaAdmin.create('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels: { run: RUN } },
        rules: v.rules,
      });
      await betaAdmin.create('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels: { run: RUN } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name: sa, namespace: NS.rbac }],
      });
      const tr = await betaAdmin.create(`/api/v1/namespaces/${NS.rbac}/serviceaccounts/${sa}/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      });
      const token = (tr['status'] as { token: string }).token;
      madeSecrets.push(token);
      entries.push({ name: `rbac-${v.name}`, server: beta.server, caFile: beta.caFile, token });
    }
    // RBAC is eventually consistent: wait until each account has every permission its role grants
    for (const v of variants) {
      for (const rule of v.rules) {
        for (const resource of rule.resources) {
          for (const verb of rule.verbs) {
            const deadline = Date.now() + 20_000;
            for (;;) {
              const review = await betaAdmin.create('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
                apiVersion: 'authorization.k8s.io/v1',
                kind: 'SubjectAccessReview',
                spec: {
                  user: `system:serviceaccount:${NS.rbac}:sa-${v.name}`,
                  groups: ['system:serviceaccounts', `system:serviceaccounts:${NS.rbac}`, 'system:authenticated'],
                  resourceAttributes: { verb, group: rule.apiGroups[0], resource },
                },
              });
              if ((review['status'] as { allowed?: boolean }).allowed) break;
              if (Date.now() > deadline) throw new Error(`RBAC for sa-${v.name} not effective after 20 s`);
              await new Promise((r) => setTimeout(r, 100));
            }
          }
        }
      }
    }
    const kubeconfig = writeKubeconfig(join(tmp, 'rbac.kubeconfig'), entries);
    writeFileSync(join(tmp, 'full-token'), entries[0]!.token); // reused by the in-cluster test
    const requests: string[] = [];
    const results = await collect(
      targetsFromKubeconfig({ kubeconfig, allContexts: true }),
      {},
      { onRequest: (c, _m, url) => c === 'rbac-full' && requests.push(new URL(url).pathname) },
    );

    // sufficient: the full role reads everything, ANP/BANP included (served in beta), without any failure
    const full = snapshotOf(results[0]);
    expect(full.failures).toEqual([]);
    expect(full.collected.map((c) => `${c.resource}:${c.served}`)).toEqual([
      'adminnetworkpolicies:true',
      'baselineadminnetworkpolicies:true',
      'jobs:true',
      'namespaces:true',
      'networkpolicies:true',
      'pods:true',
    ]);
    // and it asked for nothing but discovery and those lists
    expect([...new Set(requests)].sort()).toEqual(
      [
        '/version',
        '/apis/policy.networking.k8s.io/v1alpha1',
        '/api/v1/namespaces',
        '/api/v1/pods',
        '/apis/networking.k8s.io/v1/networkpolicies',
        '/apis/batch/v1/jobs',
        '/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies',
        '/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies',
      ].sort(),
    );

    // minimal: without any one piece, collection fails (required resources) or records the failure (optional ones)
    const required = new Set(LISTED_RESOURCES.filter((r) => r.required).map((r) => r.key as string));
    const outcome: Record<string, string> = {};
    variants.slice(1).forEach((v, i) => {
      const r = results[i + 1]!;
      expect(v.removed.length).toBeGreaterThan(0);
      if (v.removed.some((res) => required.has(res))) {
        expect(r.ok, v.name).toBe(false);
        const reason = r.ok ? '' : r.reason;
        expect(v.removed.some((res) => reason.startsWith(`forbidden: cannot list ${res}`)), `${v.name}: ${reason}`).toBe(true);
        outcome[v.name] = `fails: ${reason.slice(0, 60)}`;
      } else {
        const s = snapshotOf(r);
        expect(s.failures.map((f) => f.resource).sort(), v.name).toEqual([...v.removed].sort());
        for (const f of s.failures) expect(f.reason).toMatch(new RegExp(`^forbidden: cannot list ${f.resource}\\.`));
        expect(s.collected.map((c) => c.resource)).not.toContain(v.removed[0]);
        outcome[v.name] = `records failure of ${s.failures.map((f) => f.resource).join(', ')}`;
      }
    });
    expect(Object.keys(outcome)).toHaveLength(variants.length - 1);
  });

  it('ANP/BANP: collected where served (beta), reported as not served elsewhere (alpha)', async () => {
    const apply = (path: string, obj: unknown) =>
      betaAdmin.ok('PATCH', `${path}?fieldManager=netpol-audit-test&force=true`, JSON.stringify(obj), 'application/apply-patch+yaml');
    const anpName = `c-${RUN}-deny-pay-to-shop`;
    await apply(`/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies/${anpName}`, {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: anpName, labels: { run: RUN } },
      spec: {
        priority: 10,
        subject: { namespaces: { matchLabels: { team: 'beta' } } },
        ingress: [{ name: 'deny-odd', action: 'Deny', from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'odd' } } } }] }],
      },
    });
    await apply('/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies/default', {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name: 'default' },
      spec: { subject: { namespaces: {} }, ingress: [{ name: 'baseline-deny', action: 'Deny', from: [{ namespaces: {} }] }] },
    });

    const [beta, alpha] = await collect([target(state.clusters.beta.contexts.auditor), target(state.clusters.alpha.contexts.auditor)]);
    const b = snapshotOf(beta);
    const anp = b.adminNetworkPolicies.find((p) => p.name === anpName);
    expect(anp?.spec).toMatchObject({ priority: 10, ingress: [{ name: 'deny-odd', action: 'Deny' }] });
    expect(anp?.labels).toEqual({ run: RUN });
    expect(typeof anp?.creationTimestamp).toBe('string');
    expect(b.baselineAdminNetworkPolicies.map((p) => p.name)).toEqual(['default']);
    expect(b.collected.find((c) => c.resource === 'adminnetworkpolicies')).toMatchObject({ served: true });
    expect(b.collected.find((c) => c.resource === 'baselineadminnetworkpolicies')).toEqual({ resource: 'baselineadminnetworkpolicies', served: true, count: 1 });
    expect(b.failures).toEqual([]);
    // the engine takes them: beta's pods are now denied from odd pods, even ones fall to the baseline deny
    const conn = connectivity(restrict({ ...b, adminNetworkPolicies: [], baselineAdminNetworkPolicies: [] }, [NS.beta]));
    expect(conn.errors).toEqual([]);
    const withAnp = connectivity(makeSnapshot({ cluster: 'x', takenAt: b.takenAt, source: b.source }, { ...restrict(b, [NS.beta]), adminNetworkPolicies: [anp!], baselineAdminNetworkPolicies: b.baselineAdminNetworkPolicies }));
    expect(withAnp.errors).toEqual([]);
    expect(withAnp.connections).not.toEqual(conn.connections);

    const a = snapshotOf(alpha);
    expect(a.collected.filter((c) => c.resource.includes('adminnetworkpolicies'))).toEqual([
      { resource: 'adminnetworkpolicies', served: false, count: 0 },
      { resource: 'baselineadminnetworkpolicies', served: false, count: 0 },
    ]);
    expect(a.failures).toEqual([]);
  });

  it('collects concurrently within the bound, results in target order; a closed port fails only its cluster', async () => {
    const closedPort = await new Promise<number>((res) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as net.AddressInfo;
        srv.close(() => res(port));
      });
    });
    const kubeconfig = writeKubeconfig(join(tmp, 'closed.kubeconfig'), [
      { name: 'closed-port', server: `https://127.0.0.1:${closedPort}`, caFile: state.clusters.alpha.caFile, token: 'unused-token-value-123' },
    ]);
    madeSecrets.push('unused-token-value-123');
    const targets = [
      target(state.clusters.alpha.contexts.auditor),
      target('closed-port', kubeconfig),
      target(state.clusters.beta.contexts.auditor),
      target(state.clusters.alpha.contexts.admin),
      target(state.clusters.beta.contexts.admin),
    ];
    let inFlight = 0;
    let maxInFlight = 0;
    const onProgress = (cluster: string, phase: string) => {
      said.push(`[${cluster}] ${phase}`);
      if (phase.startsWith('connecting to')) maxInFlight = Math.max(maxInFlight, ++inFlight);
      if (phase.startsWith('done in') || phase.startsWith('failed:')) inFlight--;
    };
    const results = await collect(targets, { concurrency: 2, onProgress });
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => `${r.cluster}:${r.ok}`)).toEqual(['alpha-auditor:true', 'closed-port:false', 'beta-auditor:true', 'alpha-admin:true', 'beta-admin:true']);
    const closed = results[1]!;
    expect(closed.ok === false && closed.reason).toBe(
      `cannot connect to https://127.0.0.1:${closedPort}: connection refused (ECONNREFUSED) while trying to read /version (3 attempts)`,
    );

    const sequential = await collect(targets.slice(0, 3), { concurrency: 1, onProgress });
    expect(sequential.map((r) => r.ok)).toEqual([true, false, true]);
    expect(maxInFlight).toBe(2);
  });

  it('a stopped apiserver fails its cluster with a reason; the other succeeds', async () => {
    await stopApiserver('beta');
    try {
      const [alpha, beta] = await collect([target(state.clusters.alpha.contexts.auditor), target(state.clusters.beta.contexts.auditor)]);
      expect(alpha?.ok).toBe(true);
      expect(beta?.ok === false && beta.reason).toBe(
        `cannot connect to ${state.clusters.beta.server}: connection refused (ECONNREFUSED) while trying to read /version (3 attempts)`,
      );
    } finally {
      await startApiserver('beta');
    }
  });

  it('an apiserver killed between two pages fails its cluster cleanly; the other cluster completes', async () => {
    const pages: string[] = [];
    let stopped = false;
    const hooks: CollectorHooks = {
      beforePage: async (cluster, resource, page) => {
        pages.push(`${cluster} ${resource} ${page}`);
        if (cluster === 'beta-auditor' && resource === 'pods' && page === 2) {
          await stopApiserver('beta');
          stopped = true;
        }
      },
    };
    try {
      const [alpha, beta] = await collect([target(state.clusters.alpha.contexts.auditor), target(state.clusters.beta.contexts.auditor)], {}, hooks);
      expect(stopped).toBe(true);
      expect(snapshotOf(alpha).failures).toEqual([]);
      expect(beta?.ok === false && beta.reason).toBe(
        `cannot connect to ${state.clusters.beta.server}: connection refused (ECONNREFUSED) while trying to list pods (3 attempts)`,
      );
      expect(pages).toContain('beta-auditor pods 2');
      expect(pages.filter((p) => p.startsWith('beta-auditor networkpolicies'))).toEqual([]);
    } finally {
      await startApiserver('beta');
    }
  });

  it('a server that accepts and never answers times out after timeoutMs per attempt', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const kubeconfig = writeKubeconfig(join(tmp, 'hang.kubeconfig'), [
        { name: 'hanging', server: `https://127.0.0.1:${port}`, caFile: state.clusters.alpha.caFile, token: 'hanging-token-value-456' },
      ]);
      madeSecrets.push('hanging-token-value-456');
      const t0 = Date.now();
      const [r] = await collect([target('hanging', kubeconfig)], { timeoutMs: 400, retries: 1 });
      const took = Date.now() - t0;
      expect(r?.ok === false && r.reason).toBe(`timed out: https://127.0.0.1:${port} did not answer within 400 ms while trying to read /version (2 attempts)`);
      expect(took).toBeGreaterThanOrEqual(800);
      expect(took).toBeLessThan(5_000);
      expect(r?.durationMs).toBeGreaterThanOrEqual(800);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((res) => server.close(res));
    }
  });

  it('in-cluster mode: the mounted service-account token and CA', async () => {
    const root = join(tmp, 'pod-root');
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    copyFileSync(state.clusters.beta.caFile, join(sa, 'ca.crt'));
    copyFileSync(join(tmp, 'full-token'), join(sa, 'token'));
    writeFileSync(join(sa, 'namespace'), NS.rbac);
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(state.clusters.beta.port) };
    const targets = targetsFromKubeconfig({ inCluster: true }, env);
    const [r] = await collect(targets, {}, { connect: { env, serviceAccountRoot: root } });
    const s = snapshotOf(r);
    expect(s.cluster).toBe('in-cluster');
    expect(s.source).toEqual({ type: 'cluster', context: 'in-cluster', server: state.clusters.beta.server, serverVersion: 'v1.34.4' });
    expect(s.failures).toEqual([]);
    expect(s.pods.filter((p) => p.namespace === NS.beta)).toHaveLength(7);
  });

  it('no token or credential text appears in any result, reason or progress line', () => {
    const secrets = [
      ...Object.values(state.clusters).flatMap((c) => Object.values(c.tokens)),
      ...madeSecrets,
    ];
    expect(secrets.length).toBeGreaterThan(6 + 9);
    expect(said.length).toBeGreaterThan(50);
    const text = said.join('\n');
    for (const s of secrets) expect(text.includes(s), `a credential (${s.slice(0, 6)}...) leaked`).toBe(false);
    expect(text).not.toMatch(/Bearer\s+\S/);
    // the collector did talk: these lines are real
    expect(text).toContain('[alpha-auditor] listing pods: page 2');
    expect(text).toContain('forbidden: cannot list');
  });
});
