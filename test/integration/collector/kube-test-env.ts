/**
 * The real test clusters (scripts/test-cluster.mjs) for the collector suite, plus a tiny admin client that
 * seeds objects over plain HTTPS — deliberately not through the collector's code paths.
 *
 * The suite runs its own instance under `${NETPOL_TEST_CLUSTER_DIR:-/tmp/netpol-audit-test-cluster}-collector`:
 * it stops and restarts an apiserver (fault tests) and creates cluster-wide RBAC objects, which must not
 * disturb other suites using the shared clusters at the same time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Availability } from '../../support/infra.js';

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
export const SHARED_DIR = process.env['NETPOL_TEST_CLUSTER_DIR'] || '/tmp/netpol-audit-test-cluster';
export const COLLECTOR_DIR = `${SHARED_DIR}-collector`;

export interface ClusterState {
  readonly name: string;
  readonly server: string;
  readonly port: number;
  readonly caFile: string;
  readonly tokens: Readonly<Record<'admin' | 'auditor' | 'nobody', string>>;
  readonly contexts: Readonly<Record<'admin' | 'auditor' | 'nobody', string>>;
}

export interface ClustersState {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly clusters: Readonly<Record<'alpha' | 'beta', ClusterState>>;
}

interface TestClusterScript {
  up(): Promise<{ reused: boolean }>;
  down(): Promise<unknown>;
  status(): Promise<{ running: boolean }>;
  readState(dir?: string): ClustersState | null;
  stopApiserver(name: string): Promise<{ result: string }>;
  startApiserver(name: string): Promise<{ result: string }>;
}

/** Binaries cached (or given), or Go to build them; otherwise the suite is skipped with this reason. */
export function clusterAvailability(): Availability {
  const binDir = process.env['NETPOL_K8S_BIN_DIR'];
  if (binDir) {
    return existsSync(join(binDir, 'kube-apiserver')) && existsSync(join(binDir, 'etcd'))
      ? { available: true }
      : { available: false, reason: `NETPOL_K8S_BIN_DIR=${binDir} lacks kube-apiserver or etcd` };
  }
  const version = readFileSync(join(REPO_ROOT, 'test/k8s-bin/go.mod'), 'utf8').match(/k8s\.io\/kubernetes (v[0-9.]+)/)?.[1];
  const cache = process.env['NETPOL_K8S_BIN_CACHE'] || join(homedir(), '.cache/netpol-audit/k8s-test-bin');
  if (version && existsSync(join(cache, version, 'kube-apiserver')) && existsSync(join(cache, version, 'etcd'))) return { available: true };
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return { available: true };
  } catch {
    return {
      available: false,
      reason: 'no cached kube-apiserver/etcd and no Go toolchain to build them (install Go >= 1.24 or set NETPOL_K8S_BIN_DIR; see test/k8s-bin/README.md)',
    };
  }
}

/** True when a cold binary build is ahead (the start-up then takes minutes, not seconds). */
export function needsBuild(): boolean {
  const version = readFileSync(join(REPO_ROOT, 'test/k8s-bin/go.mod'), 'utf8').match(/k8s\.io\/kubernetes (v[0-9.]+)/)?.[1] ?? '';
  const cache = process.env['NETPOL_K8S_BIN_CACHE'] || join(homedir(), '.cache/netpol-audit/k8s-test-bin');
  return !process.env['NETPOL_K8S_BIN_DIR'] && !existsSync(join(cache, version, 'kube-apiserver'));
}

let script: TestClusterScript | undefined;
async function testClusterScript(): Promise<TestClusterScript> {
  // the script reads NETPOL_TEST_CLUSTER_DIR at every call: point it at this suite's own instance
  process.env['NETPOL_TEST_CLUSTER_DIR'] = COLLECTOR_DIR;
  const url = pathToFileURL(join(REPO_ROOT, 'scripts/test-cluster.mjs')).href;
  script ??= (await import(url)) as TestClusterScript;
  return script;
}

/** Starts (or reuses, e.g. after an interrupted run) the suite's clusters. */
export async function startClusters(): Promise<{ state: ClustersState; reused: boolean }> {
  const s = await testClusterScript();
  const { reused } = await s.up();
  const state = s.readState(COLLECTOR_DIR);
  if (!state) throw new Error(`no state.json in ${COLLECTOR_DIR} after up`);
  return { state, reused };
}

export async function stopClusters(): Promise<void> {
  await (await testClusterScript()).down();
}

export async function stopApiserver(name: 'alpha' | 'beta'): Promise<void> {
  await (await testClusterScript()).stopApiserver(name);
}

export async function startApiserver(name: 'alpha' | 'beta'): Promise<void> {
  await (await testClusterScript()).startApiserver(name);
}

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Plain HTTPS to one test apiserver with one of its static tokens (or any bearer token). */
export class KubeHttp {
  private readonly ca: Buffer;
  constructor(
    readonly cluster: ClusterState,
    private readonly token: string,
  ) {
    this.ca = readFileSync(cluster.caFile);
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    return new Promise((resolvePromise, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request(
        `${this.cluster.server}${path}`,
        {
          method,
          ca: this.ca,
          agent: false,
          timeout: 15_000,
          headers: {
            Accept: 'application/json',
            Authorization: `Bearer ${this.token}`,
            ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            resolvePromise({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 15 s`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  /** The request must succeed (2xx); returns the parsed body. Errors name the path and status, never the token. */
  async ok(method: string, path: string, body?: unknown, contentType?: string): Promise<Record<string, unknown>> {
    const r = await this.request(method, path, body, contentType);
    if (r.status < 200 || r.status > 299) {
      const msg = typeof r.body === 'object' && r.body !== null ? (r.body as { message?: string }).message : String(r.body).slice(0, 300);
      throw new Error(`${this.cluster.name}: ${method} ${path} -> HTTP ${r.status}: ${msg}`);
    }
    return r.body as Record<string, unknown>;
  }

  create(collectionPath: string, obj: unknown): Promise<Record<string, unknown>> {
    return this.ok('POST', collectionPath, obj);
  }
}

export interface KubeconfigEntry {
  readonly name: string;
  readonly server: string;
  readonly caFile?: string;
  readonly token: string;
}

/** A kubeconfig with one cluster, user and context per entry (the context is named after the entry). */
export function writeKubeconfig(file: string, entries: readonly KubeconfigEntry[], current?: string): string {
  const q = JSON.stringify;
  const out = ['apiVersion: v1', 'kind: Config', `current-context: ${q(current ?? entries[0]?.name ?? '')}`, 'clusters:'];
  for (const e of entries) {
    out.push(`- name: ${q(e.name)}`, '  cluster:', `    server: ${q(e.server)}`);
    out.push(e.caFile ? `    certificate-authority: ${q(e.caFile)}` : '    insecure-skip-tls-verify: true');
  }
  out.push('users:');
  for (const e of entries) out.push(`- name: ${q(e.name)}`, '  user:', `    token: ${q(e.token)}`);
  out.push('contexts:');
  for (const e of entries) out.push(`- name: ${q(e.name)}`, '  context:', `    cluster: ${q(e.name)}`, `    user: ${q(e.name)}`);
  writeFileSync(file, `${out.join('\n')}\n`, { mode: 0o600 });
  return file;
}
