#!/usr/bin/env node
// Real Kubernetes API servers for netpol-audit's integration tests: one etcd and two kube-apiservers
// (clusters `alpha` and `beta`) on 127.0.0.1, with token users admin / auditor / nobody.
// Plain Node ESM, no dependencies beyond Node built-ins. See test/k8s-bin/README.md.
//
//   node scripts/test-cluster.mjs up                   start (or reuse) the clusters; builds the binaries if needed
//   node scripts/test-cluster.mjs down                 stop everything and remove the state dir
//   node scripts/test-cluster.mjs status [--json]      exit 0 if everything runs and is ready, 1 if not
//   node scripts/test-cluster.mjs env                  `export KUBECONFIG=...` lines for eval
//   node scripts/test-cluster.mjs stop-apiserver beta  stop one apiserver (fault tests)
//   node scripts/test-cluster.mjs start-apiserver beta restart it with the same port, flags and data
//
// Environment:
//   NETPOL_TEST_CLUSTER_DIR  state dir (default /tmp/netpol-audit-test-cluster): state.json, kubeconfig, logs/,
//                            certs, etcd data
//   NETPOL_K8S_BIN_DIR       directory with prebuilt `kube-apiserver` and `etcd` (skips scripts/k8s-test-bins.sh)
//
// The functions below are exported too (up, down, status, stopApiserver, startApiserver, readState, ...), so a
// test runner's global setup can import this file instead of spawning it.

import { execFile, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_SCRIPT = path.join(REPO_ROOT, 'scripts', 'k8s-test-bins.sh');
const RBAC_FILE = path.join(REPO_ROOT, 'config', 'deploy', 'rbac.yaml');
const CRD_FILE = path.join(REPO_ROOT, 'test', 'fixtures', 'crds', 'network-policy-api-v1alpha1.yaml');

export const CLUSTERS = ['alpha', 'beta'];
/** Clusters that get the AdminNetworkPolicy / BaselineAdminNetworkPolicy CRDs. */
export const CRD_CLUSTERS = ['beta'];
export const USERS = [
  { name: 'admin', groups: ['system:masters'] },
  { name: 'auditor', groups: [] },
  { name: 'nobody', groups: [] },
];
export const AUDITOR_BINDING = 'netpol-audit-reader-auditor';
const DEFAULT_DIR = '/tmp/netpol-audit-test-cluster';
const MARKER = '.netpol-audit-test-cluster';
const FIELD_MANAGER = 'netpol-audit-test-cluster';
const ETCD_READY_TIMEOUT_MS = 60_000;
const APISERVER_READY_TIMEOUT_MS = 120_000;
const KILL_GRACE_MS = 10_000;
const LOCK_TIMEOUT_MS = 45 * 60_000; // a cold binary build inside `up` can take ~20 min

// --------------------------------------------------------------------------------------------------------------
// small helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (msg) => process.stderr.write(`[test-cluster] ${msg}\n`);

export function stateDir() {
  return path.resolve(process.env.NETPOL_TEST_CLUSTER_DIR || DEFAULT_DIR);
}
export function kubeconfigPath(dir = stateDir()) {
  return path.join(dir, 'kubeconfig');
}
const statePath = (dir) => path.join(dir, 'state.json');

export function readState(dir = stateDir()) {
  try {
    return JSON.parse(fs.readFileSync(statePath(dir), 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw new Error(`cannot read ${statePath(dir)}: ${err.message}`);
  }
}

function writeState(state) {
  const tmp = `${statePath(state.dir)}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, statePath(state.dir));
}

function tailFile(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch (err) {
    return `(cannot read ${file}: ${err.message})`;
  }
}

function shQuote(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}

async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      await new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', resolve);
      });
      servers.push(srv);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

function execFileText(file, args, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}${stderr ? `\n${stderr}` : ''}`));
      else resolve(stdout.trim());
    });
  });
}

// --------------------------------------------------------------------------------------------------------------
// processes

/**
 * Is `pid` alive and (on Linux) really one of ours? `marker` is a string that the process's command line must
 * contain (the state dir), so a recycled pid of an unrelated process is never reported alive or signalled.
 */
export function isAlive(pid, marker) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return false; // zombie
    if (marker) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) return false;
    }
  } catch {
    return false;
  }
  return true;
}

function rssMB(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function spawnDetached(bin, args, logFile, cwd) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  fs.writeSync(fd, `\n===== ${new Date().toISOString()} starting ${bin} ${args.join(' ')}\n`);
  // etcd reads ETCD_* variables as flags; never let the caller's environment leak into the test etcd.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')));
  let child;
  try {
    child = spawn(bin, args, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } finally {
    fs.closeSync(fd);
  }
  child.unref();
  return child.pid;
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Only ever signals the given pid, and only if it is ours. */
async function stopProcess(pid, marker, label, graceMs = KILL_GRACE_MS) {
  if (!isAlive(pid, marker)) return 'not running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid, marker)) return 'stopped';
    await sleep(100);
  }
  log(`${label} (pid ${pid}) still running ${graceMs / 1000}s after SIGTERM; sending SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'gone';
  }
  for (let i = 0; i < 50 && isAlive(pid, marker); i++) await sleep(100);
  return 'killed';
}

// Processes started by this invocation, so a Ctrl-C during `up` does not leave orphans behind.
const startedHere = new Set();
let heldLock = null;

// --------------------------------------------------------------------------------------------------------------
// lock: one up/down/start/stop at a time per state dir

async function withLock(dir, fn) {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let said = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created right now, or stale */
      }
      let ageMs = 0;
      try {
        ageMs = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      const stale = Number.isInteger(owner) && owner > 0 ? !isAlive(owner) : ageMs > 5_000;
      if (stale) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lock} (held by pid ${owner})`);
      if (!said) log(`waiting for another test-cluster command (pid ${owner}, lock ${lock})`);
      said = true;
      await sleep(500);
    }
  }
  heldLock = lock;
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
    heldLock = null;
  }
}

// --------------------------------------------------------------------------------------------------------------
// HTTP(S) to the servers

function request(url, { method = 'GET', token, ca, body, contentType, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      headers['Content-Type'] = contentType || 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method, headers, ca, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function readCA(cl) {
  try {
    return fs.readFileSync(cl.caFile);
  } catch {
    return null;
  }
}

async function kube(cl, method, apiPath, { user = 'admin', body, contentType } = {}) {
  const ca = readCA(cl);
  if (!ca) throw new Error(`${cl.caFile} does not exist (has kube-apiserver ${cl.name} started?)`);
  return request(`${cl.server}${apiPath}`, { method, ca, token: cl.tokens[user], body, contentType });
}

async function waitUntil(desc, timeoutMs, probe, { pid, marker, logFile } = {}) {
  const start = Date.now();
  let last = 'no attempt yet';
  for (;;) {
    if (pid !== undefined && !isAlive(pid, marker)) {
      throw new Error(`${desc}: the process (pid ${pid}) exited before it became ready.\n` +
        `--- last lines of ${logFile} ---\n${tailFile(logFile)}`);
    }
    try {
      const r = await probe();
      if (r === true) return Date.now() - start;
      last = r;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`${desc}: not ready after ${Math.round(timeoutMs / 1000)} s (last result: ${last})` +
        (logFile ? `\n--- last lines of ${logFile} ---\n${tailFile(logFile)}` : ''));
    }
    await sleep(400);
  }
}

async function probeEtcd(state) {
  const r = await request(`${state.etcd.url}/health`, { timeoutMs: 3_000 });
  return r.status === 200 && /"health":\s*"true"/.test(r.body) ? true : `HTTP ${r.status}: ${r.body.slice(0, 200)}`;
}

async function probeReadyz(cl) {
  const ca = readCA(cl);
  if (!ca) return 'serving certificate not generated yet';
  const r = await request(`${cl.server}/readyz`, { ca, timeoutMs: 5_000 });
  return r.status === 200 && r.body.trim() === 'ok' ? true : `HTTP ${r.status}: ${r.body.slice(0, 300)}`;
}

async function readyzOk(cl) {
  try {
    return (await probeReadyz(cl)) === true;
  } catch {
    return false;
  }
}

// --------------------------------------------------------------------------------------------------------------
// manifests: split multi-document YAML and read kind / apiVersion / metadata.name without a YAML library. The
// documents themselves are sent as YAML to the server (server-side apply accepts application/apply-patch+yaml).

const KINDS = {
  Namespace: { plural: 'namespaces', namespaced: false },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  Role: { plural: 'roles', namespaced: true },
  RoleBinding: { plural: 'rolebindings', namespaced: true },
  CustomResourceDefinition: { plural: 'customresourcedefinitions', namespaced: false },
};

export function splitYamlDocuments(text) {
  return text
    .split(/^---[ \t]*$/m)
    .filter((doc) => doc.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#')));
}

const scalarRe = (key, indent) => new RegExp(`^${indent}${key}:[ \\t]*["']?([^"'\\s#]+)`, 'm');

function metadataField(doc, key) {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => /^metadata:\s*(#.*)?$/.test(l));
  if (start < 0) return undefined;
  let indent;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const ind = line.match(/^ */)[0].length;
    if (ind === 0) break;
    indent ??= ind;
    if (ind !== indent) continue;
    const m = line.match(scalarRe(key, ' +'));
    if (m) return m[1];
  }
  return undefined;
}

export function describeManifest(doc, source) {
  let apiVersion, kind, name, namespace;
  if (doc.trim().startsWith('{')) {
    const obj = JSON.parse(doc);
    ({ apiVersion, kind } = obj);
    ({ name, namespace } = obj.metadata ?? {});
  } else {
    apiVersion = doc.match(scalarRe('apiVersion', ''))?.[1];
    kind = doc.match(scalarRe('kind', ''))?.[1];
    name = metadataField(doc, 'name');
    namespace = metadataField(doc, 'namespace');
  }
  const info = KINDS[kind];
  if (!apiVersion || !kind || !name) {
    throw new Error(`${source}: a document lacks apiVersion, kind or metadata.name:\n${doc.trim().slice(0, 300)}`);
  }
  if (!info) throw new Error(`${source}: kind ${kind} is not supported by scripts/test-cluster.mjs (add it to KINDS)`);
  if (info.namespaced) namespace ||= 'default';
  else namespace = undefined;
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const apiPath = `${base}${namespace ? `/namespaces/${namespace}` : ''}/${info.plural}/${name}`;
  return { apiVersion, kind, name, namespace, apiPath };
}

/** Server-side apply of one YAML/JSON document as admin (idempotent; `force` takes over conflicting fields). */
async function applyDocument(cl, doc, source) {
  const m = describeManifest(doc, source);
  const r = await kube(cl, 'PATCH', `${m.apiPath}?fieldManager=${FIELD_MANAGER}&force=true`, {
    body: doc,
    contentType: 'application/apply-patch+yaml',
  });
  if (r.status !== 200 && r.status !== 201) {
    throw new Error(`${cl.name}: applying ${m.kind} ${m.name} from ${source} failed: HTTP ${r.status} ${r.body}`);
  }
  return m;
}

async function bootstrapCluster(cl) {
  const t0 = Date.now();
  // 1. everything in config/deploy/rbac.yaml (today: the ClusterRole netpol-audit-reader)
  const rbacDocs = splitYamlDocuments(fs.readFileSync(RBAC_FILE, 'utf8'));
  const applied = [];
  for (const doc of rbacDocs) applied.push(await applyDocument(cl, doc, path.relative(REPO_ROOT, RBAC_FILE)));
  const roles = applied.filter((m) => m.kind === 'ClusterRole');
  const role = roles.find((m) => m.name === 'netpol-audit-reader') ?? (roles.length === 1 ? roles[0] : undefined);
  if (!role) throw new Error(`${RBAC_FILE}: expected the ClusterRole netpol-audit-reader (found ${roles.map((r) => r.name).join(', ') || 'none'})`);

  // 2. bind it to the user `auditor`
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: AUDITOR_BINDING, labels: { 'app.kubernetes.io/name': 'netpol-audit' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'auditor' }],
  };
  await applyDocument(cl, JSON.stringify(binding), 'generated ClusterRoleBinding');

  // 3. the network-policy-api CRDs, in the CRD clusters only
  const crds = [];
  if (CRD_CLUSTERS.includes(cl.name)) {
    for (const doc of splitYamlDocuments(fs.readFileSync(CRD_FILE, 'utf8'))) {
      const m = await applyDocument(cl, doc, path.relative(REPO_ROOT, CRD_FILE));
      const plural = m.name.slice(0, m.name.indexOf('.'));
      const group = m.name.slice(m.name.indexOf('.') + 1);
      const version = doc.match(/^\s+- name:\s*["']?(v[0-9a-z]+)/m)?.[1] ?? 'v1alpha1';
      crds.push({ name: m.name, listPath: `/apis/${group}/${version}/${plural}` });
    }
    for (const crd of crds) {
      await waitUntil(`${cl.name}: CRD ${crd.name} Established`, 60_000, async () => {
        const r = await kube(cl, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.name}`);
        if (r.status !== 200) return `HTTP ${r.status}`;
        const cond = JSON.parse(r.body).status?.conditions?.find((c) => c.type === 'Established');
        return cond?.status === 'True' ? true : `Established=${cond?.status ?? 'unknown'}`;
      });
      // Established can precede the REST endpoint by a moment: wait until it lists.
      await waitUntil(`${cl.name}: ${crd.listPath} served`, 30_000, async () => {
        const r = await kube(cl, 'GET', `${crd.listPath}?limit=1`);
        return r.status === 200 ? true : `HTTP ${r.status}`;
      });
    }
  }

  // 4. the authorizer's caches have caught up: auditor can list, nobody gets 403
  const auditorPaths = ['/api/v1/pods?limit=1', ...crds.map((c) => `${c.listPath}?limit=1`)];
  for (const p of auditorPaths) {
    await waitUntil(`${cl.name}: auditor can GET ${p}`, 30_000, async () => {
      const r = await kube(cl, 'GET', p, { user: 'auditor' });
      return r.status === 200 ? true : `HTTP ${r.status}`;
    });
  }
  const r = await kube(cl, 'GET', '/api/v1/pods?limit=1', { user: 'nobody' });
  if (r.status !== 403) throw new Error(`${cl.name}: expected 403 for user nobody, got HTTP ${r.status}`);
  return { crds: crds.map((c) => c.name), ms: Date.now() - t0 };
}

// --------------------------------------------------------------------------------------------------------------
// binaries

async function resolveBinaries() {
  let binDir = process.env.NETPOL_K8S_BIN_DIR;
  if (binDir) {
    binDir = path.resolve(binDir);
    log(`using prebuilt binaries from NETPOL_K8S_BIN_DIR=${binDir}`);
  } else {
    log(`getting the binaries via ${path.relative(REPO_ROOT, BUILD_SCRIPT)} (a cold build takes ~6 min)`);
    binDir = await new Promise((resolve, reject) => {
      const child = spawn('bash', [BUILD_SCRIPT], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
        if (code === 0 && lines.length) resolve(lines[lines.length - 1]);
        else reject(new Error(`${BUILD_SCRIPT} failed (${signal ?? `exit ${code}`}); see its output above. ` +
          'Set NETPOL_K8S_BIN_DIR to a directory with kube-apiserver and etcd to skip the build.'));
      });
    });
  }
  const bins = { kubeApiserver: path.join(binDir, 'kube-apiserver'), etcd: path.join(binDir, 'etcd') };
  for (const bin of Object.values(bins)) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      throw new Error(`${bin} is missing or not executable`);
    }
  }
  const versions = {
    kubeApiserver: await execFileText(bins.kubeApiserver, ['--version']),
    etcd: (await execFileText(bins.etcd, ['--version'])).split('\n')[0],
  };
  return { binDir, bins, versions };
}

// --------------------------------------------------------------------------------------------------------------
// flags

function etcdArgs(e) {
  return [
    '--name=netpol-audit-test',
    `--data-dir=${e.dataDir}`,
    `--listen-client-urls=${e.url}`,
    `--advertise-client-urls=${e.url}`,
    `--listen-peer-urls=http://127.0.0.1:${e.peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${e.peerPort}`,
    `--initial-cluster=netpol-audit-test=http://127.0.0.1:${e.peerPort}`,
    '--initial-cluster-state=new',
    '--unsafe-no-fsync', // test data only: no fsync, much faster on slow disks
    '--log-level=warn',
  ];
}

function apiserverArgs(cl, etcdUrl) {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--etcd-prefix=${cl.etcdPrefix}`, // both clusters share one etcd, each under its own key prefix
    '--bind-address=127.0.0.1', // the default is 0.0.0.0
    '--advertise-address=127.0.0.1', // no default route here; also the IP SAN of the self-signed cert
    `--secure-port=${cl.port}`,
    '--endpoint-reconciler-type=none', // no kubernetes endpoints for a loopback advertise address
    `--cert-dir=${cl.certDir}`, // self-signed serving cert: apiserver.crt = cert followed by its CA
    '--service-cluster-ip-range=10.0.0.0/24',
    `--service-account-issuer=${cl.server}`,
    `--service-account-key-file=${cl.saKeyFile}`,
    `--service-account-signing-key-file=${cl.saKeyFile}`,
    '--authorization-mode=RBAC',
    `--token-auth-file=${cl.tokenFile}`,
    '--disable-admission-plugins=ServiceAccount', // no controller-manager creates default service accounts
    '--profiling=false',
    '--v=1',
  ];
}

// --------------------------------------------------------------------------------------------------------------
// state dir

function assertOurs(dir) {
  if (!fs.existsSync(dir)) return;
  const entries = fs.readdirSync(dir);
  if (entries.length && !entries.includes(MARKER)) {
    throw new Error(`${dir} exists and was not created by scripts/test-cluster.mjs (no ${MARKER} in it); ` +
      'refusing to use or delete it. Pick another NETPOL_TEST_CLUSTER_DIR.');
  }
}

function removeDir(dir) {
  assertOurs(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

function writeKubeconfig(state) {
  const q = JSON.stringify; // JSON strings are valid YAML double-quoted scalars
  const out = ['apiVersion: v1', 'kind: Config', 'preferences: {}', `current-context: ${q(`${CLUSTERS[0]}-admin`)}`, 'clusters:'];
  for (const name of CLUSTERS) {
    const cl = state.clusters[name];
    out.push(`- name: ${q(name)}`, '  cluster:', `    server: ${q(cl.server)}`, `    certificate-authority: ${q(cl.caFile)}`);
  }
  out.push('contexts:');
  for (const name of CLUSTERS) {
    for (const u of USERS) {
      out.push(`- name: ${q(`${name}-${u.name}`)}`, '  context:', `    cluster: ${q(name)}`, `    user: ${q(`${name}-${u.name}`)}`);
    }
  }
  out.push('users:');
  for (const name of CLUSTERS) {
    for (const u of USERS) {
      out.push(`- name: ${q(`${name}-${u.name}`)}`, '  user:', `    token: ${q(state.clusters[name].tokens[u.name])}`);
    }
  }
  fs.writeFileSync(state.kubeconfig, `${out.join('\n')}\n`, { mode: 0o600 });
}

function newState(dir, binaries, ports) {
  const [etcdClientPort, etcdPeerPort, ...apiPorts] = ports;
  const state = {
    schema: 1,
    dir,
    kubeconfig: kubeconfigPath(dir),
    binDir: binaries.binDir,
    bins: binaries.bins,
    versions: binaries.versions,
    createdAt: new Date().toISOString(),
    ready: false,
    etcd: {
      pid: null,
      clientPort: etcdClientPort,
      peerPort: etcdPeerPort,
      url: `http://127.0.0.1:${etcdClientPort}`,
      dataDir: path.join(dir, 'etcd', 'data'),
      log: path.join(dir, 'logs', 'etcd.log'),
      args: [],
    },
    clusters: {},
  };
  state.etcd.args = etcdArgs(state.etcd);
  CLUSTERS.forEach((name, i) => {
    const cdir = path.join(dir, name);
    const cl = {
      name,
      pid: null,
      stopped: false,
      port: apiPorts[i],
      server: `https://127.0.0.1:${apiPorts[i]}`,
      etcdPrefix: `/registry-${name}`,
      certDir: path.join(cdir, 'certs'),
      caFile: path.join(cdir, 'certs', 'apiserver.crt'),
      tokenFile: path.join(cdir, 'tokens.csv'),
      saKeyFile: path.join(cdir, 'sa.key'),
      log: path.join(dir, 'logs', `kube-apiserver-${name}.log`),
      tokens: Object.fromEntries(USERS.map((u) => [u.name, `${name}-${u.name}-${crypto.randomBytes(16).toString('hex')}`])),
      contexts: Object.fromEntries(USERS.map((u) => [u.name, `${name}-${u.name}`])),
      crds: [],
      args: [],
    };
    cl.args = apiserverArgs(cl, state.etcd.url);
    state.clusters[name] = cl;
  });
  return state;
}

function writeClusterFiles(state) {
  fs.mkdirSync(state.dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(state.dir, MARKER), 'created by scripts/test-cluster.mjs; removed by `down`\n');
  fs.mkdirSync(path.join(state.dir, 'logs'), { recursive: true });
  fs.mkdirSync(state.etcd.dataDir, { recursive: true, mode: 0o700 });
  for (const cl of Object.values(state.clusters)) {
    fs.mkdirSync(cl.certDir, { recursive: true, mode: 0o700 });
    // token,user,uid,"group1,group2"
    const rows = USERS.map((u) => [cl.tokens[u.name], u.name, `uid-${u.name}`, ...(u.groups.length ? [`"${u.groups.join(',')}"`] : [])].join(','));
    fs.writeFileSync(cl.tokenFile, `${rows.join('\n')}\n`, { mode: 0o600 });
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(cl.saKeyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  }
}

async function startEtcd(state) {
  state.etcd.pid = await spawnDetached(state.bins.etcd, state.etcd.args, state.etcd.log, state.dir);
  startedHere.add(state.etcd.pid);
  writeState(state);
  const ms = await waitUntil('etcd', ETCD_READY_TIMEOUT_MS, () => probeEtcd(state), {
    pid: state.etcd.pid, marker: state.dir, logFile: state.etcd.log,
  });
  log(`etcd ready on ${state.etcd.url} after ${(ms / 1000).toFixed(1)} s (pid ${state.etcd.pid})`);
}

async function startApiserverProcess(state, cl) {
  cl.pid = await spawnDetached(state.bins.kubeApiserver, cl.args, cl.log, state.dir);
  cl.stopped = false;
  startedHere.add(cl.pid);
  writeState(state);
}

async function waitApiserver(state, cl) {
  const ms = await waitUntil(`kube-apiserver ${cl.name} (${cl.server}/readyz)`, APISERVER_READY_TIMEOUT_MS, () => probeReadyz(cl), {
    pid: cl.pid, marker: state.dir, logFile: cl.log,
  });
  log(`kube-apiserver ${cl.name} ready on ${cl.server} after ${(ms / 1000).toFixed(1)} s (pid ${cl.pid})`);
}

async function stopAll(state) {
  const marker = state.dir;
  await Promise.all(Object.values(state.clusters).map((cl) => stopProcess(cl.pid, marker, `kube-apiserver ${cl.name}`)));
  await stopProcess(state.etcd.pid, marker, 'etcd');
}

// --------------------------------------------------------------------------------------------------------------
// commands

/** Tries to reuse a running set of servers: restarts stopped apiservers, re-applies the bootstrap objects. */
async function reuse(state) {
  if (!state.ready || !isAlive(state.etcd.pid, state.dir)) return false;
  try {
    if ((await probeEtcd(state)) !== true) return false;
  } catch {
    return false;
  }
  for (const cl of Object.values(state.clusters)) {
    if (!isAlive(cl.pid, state.dir)) {
      log(`kube-apiserver ${cl.name} is not running; restarting it`);
      await startApiserverProcess(state, cl);
    }
  }
  await Promise.all(Object.values(state.clusters).map(async (cl) => (await readyzOk(cl)) || waitApiserver(state, cl)));
  await Promise.all(Object.values(state.clusters).map((cl) => bootstrapCluster(cl)));
  writeState(state);
  return true;
}

export async function up() {
  const dir = stateDir();
  return withLock(dir, async () => {
    const t0 = Date.now();
    const existing = readState(dir);
    if (existing) {
      if (await reuse(existing)) {
        log(`reusing the running test clusters in ${dir}`);
        return { state: existing, reused: true };
      }
      log(`found stale state in ${dir}; cleaning it up`);
      await stopAll(existing);
    }
    removeDir(dir);

    const binaries = await resolveBinaries();
    const tStart = Date.now();
    const state = newState(dir, binaries, await freePorts(2 + CLUSTERS.length));
    writeClusterFiles(state);
    writeState(state);
    writeKubeconfig(state);
    try {
      await startEtcd(state);
      for (const cl of Object.values(state.clusters)) await startApiserverProcess(state, cl);
      await Promise.all(Object.values(state.clusters).map((cl) => waitApiserver(state, cl)));
      const readyMs = Date.now() - tStart;
      const results = await Promise.all(Object.values(state.clusters).map((cl) => bootstrapCluster(cl)));
      Object.values(state.clusters).forEach((cl, i) => {
        cl.crds = results[i].crds;
      });
      state.ready = true;
      state.readyAt = new Date().toISOString();
      state.timings = { serversReadyMs: readyMs, bootstrapMs: Date.now() - tStart - readyMs, totalMs: Date.now() - t0 };
      writeState(state);
      log(`clusters ready in ${((Date.now() - tStart) / 1000).toFixed(1)} s (servers ${(readyMs / 1000).toFixed(1)} s); ` +
        `kubeconfig ${state.kubeconfig}`);
      return { state, reused: false };
    } catch (err) {
      log('start-up failed; stopping the processes started so far');
      await stopAll(state);
      for (const cl of Object.values(state.clusters)) cl.pid = null;
      state.etcd.pid = null;
      writeState(state);
      err.message += `\n(logs kept in ${path.join(dir, 'logs')}; \`node scripts/test-cluster.mjs down\` removes them)`;
      throw err;
    } finally {
      startedHere.clear();
    }
  });
}

export async function down() {
  const dir = stateDir();
  return withLock(dir, async () => {
    const state = readState(dir);
    if (state) await stopAll(state);
    const existed = fs.existsSync(dir);
    removeDir(dir);
    return { stopped: Boolean(state), removed: existed };
  });
}

export async function status() {
  const dir = stateDir();
  const state = readState(dir);
  if (!state) return { running: false, dir, kubeconfig: kubeconfigPath(dir), reason: 'no state.json' };
  const etcdAlive = isAlive(state.etcd.pid, dir);
  let etcdHealthy = false;
  if (etcdAlive) {
    try {
      etcdHealthy = (await probeEtcd(state)) === true;
    } catch {
      /* not healthy */
    }
  }
  const clusters = {};
  for (const cl of Object.values(state.clusters)) {
    const alive = isAlive(cl.pid, dir);
    clusters[cl.name] = {
      pid: alive ? cl.pid : null,
      port: cl.port,
      server: cl.server,
      alive,
      ready: alive && (await readyzOk(cl)),
      stopped: Boolean(cl.stopped),
      rssMB: alive ? rssMB(cl.pid) : null,
      contexts: Object.values(cl.contexts),
      crds: cl.crds,
    };
  }
  const running = state.ready && etcdHealthy && Object.values(clusters).every((c) => c.ready);
  return {
    running,
    bootstrapped: Boolean(state.ready),
    dir,
    kubeconfig: state.kubeconfig,
    versions: state.versions,
    etcd: {
      pid: etcdAlive ? state.etcd.pid : null, port: state.etcd.clientPort, url: state.etcd.url,
      alive: etcdAlive, healthy: etcdHealthy, rssMB: etcdAlive ? rssMB(state.etcd.pid) : null,
    },
    clusters,
  };
}

function clusterOf(state, name) {
  const cl = state?.clusters?.[name];
  if (!cl) throw new Error(`unknown cluster '${name}' (known: ${CLUSTERS.join(', ')})`);
  return cl;
}

export async function stopApiserver(name) {
  const dir = stateDir();
  return withLock(dir, async () => {
    const state = readState(dir);
    if (!state) throw new Error(`no test cluster in ${dir} (run \`up\` first)`);
    const cl = clusterOf(state, name);
    const result = await stopProcess(cl.pid, dir, `kube-apiserver ${name}`);
    cl.pid = null;
    cl.stopped = true;
    writeState(state);
    return { name, port: cl.port, result };
  });
}

export async function startApiserver(name) {
  const dir = stateDir();
  return withLock(dir, async () => {
    const state = readState(dir);
    if (!state) throw new Error(`no test cluster in ${dir} (run \`up\` first)`);
    const cl = clusterOf(state, name);
    if (!isAlive(state.etcd.pid, dir)) throw new Error('etcd is not running; run `down` and `up` again');
    let result = 'already running';
    if (!isAlive(cl.pid, dir)) {
      const t0 = Date.now();
      await startApiserverProcess(state, cl);
      await waitApiserver(state, cl).catch(async (err) => {
        await stopProcess(cl.pid, dir, `kube-apiserver ${name}`);
        cl.pid = null;
        cl.stopped = true;
        writeState(state);
        throw err;
      });
      // /readyz alone is not enough (see bootstrapCluster): wait, as `up` does, until the CRDs are served
      // and the auditor's permissions are in the authorizer's cache again (re-applying is idempotent)
      await bootstrapCluster(cl);
      result = `started in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
    } else if (!(await readyzOk(cl))) {
      await waitApiserver(state, cl);
    }
    startedHere.clear();
    return { name, port: cl.port, pid: cl.pid, result };
  });
}

// --------------------------------------------------------------------------------------------------------------
// CLI

function printStatus(s) {
  const out = [];
  out.push(`test clusters: ${s.running ? 'running' : 'NOT running'} (state dir ${s.dir})`);
  if (s.reason) out.push(`  ${s.reason}`);
  if (s.etcd) {
    const e = s.etcd;
    out.push(`  etcd   ${e.url.padEnd(26)} ${e.healthy ? 'healthy' : e.alive ? 'UNHEALTHY' : 'DOWN'}` +
      `${e.pid ? `  pid ${e.pid}  rss ${e.rssMB} MB` : ''}`);
  }
  for (const [name, c] of Object.entries(s.clusters ?? {})) {
    const st = c.ready ? 'ready' : c.alive ? 'NOT READY' : c.stopped ? 'STOPPED' : 'DOWN';
    out.push(`  ${name.padEnd(6)} ${c.server.padEnd(26)} ${st}${c.pid ? `  pid ${c.pid}  rss ${c.rssMB} MB` : ''}` +
      `  port ${c.port}${c.crds?.length ? `  crds: ${c.crds.join(', ')}` : ''}`);
  }
  if (s.versions) out.push(`  versions: ${s.versions.kubeApiserver}, etcd ${s.versions.etcd.replace(/^etcd Version: /, '')}`);
  out.push(`kubeconfig: ${s.kubeconfig}`);
  if (s.clusters) out.push(`contexts: ${Object.values(s.clusters).flatMap((c) => c.contexts).join(' ')}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const USAGE = `usage: node scripts/test-cluster.mjs <command>
  up                     start etcd + kube-apiservers ${CLUSTERS.join(', ')} (or reuse running ones); exit 0 when ready
  down                   stop them (SIGTERM, SIGKILL after ${KILL_GRACE_MS / 1000} s) and remove the state dir
  status [--json]        print state; exit 0 if running and ready, 1 if not
  env                    print export lines for KUBECONFIG and NETPOL_TEST_CLUSTER_DIR
  stop-apiserver NAME    stop one kube-apiserver (fault tests)
  start-apiserver NAME   start it again with the same port, flags and data
state dir: \${NETPOL_TEST_CLUSTER_DIR:-${DEFAULT_DIR}}`;

async function main(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up': {
      const { state, reused } = await up();
      printStatus(await status());
      if (!reused) log(`up took ${(state.timings.totalMs / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'down': {
      const r = await down();
      log(r.stopped ? `stopped; removed ${stateDir()}` : r.removed ? `removed ${stateDir()}` : 'nothing was running');
      return 0;
    }
    case 'status': {
      const s = await status();
      if (rest.includes('--json')) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else printStatus(s);
      return s.running ? 0 : 1;
    }
    case 'env': {
      const dir = stateDir();
      process.stdout.write(`export KUBECONFIG=${shQuote(kubeconfigPath(dir))}\nexport NETPOL_TEST_CLUSTER_DIR=${shQuote(dir)}\n`);
      return 0;
    }
    case 'stop-apiserver':
    case 'start-apiserver': {
      if (!rest[0]) throw new Error(`usage: node scripts/test-cluster.mjs ${cmd} <${CLUSTERS.join('|')}>`);
      const r = cmd === 'stop-apiserver' ? await stopApiserver(rest[0]) : await startApiserver(rest[0]);
      log(`kube-apiserver ${r.name} (port ${r.port}): ${r.result}`);
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return cmd ? 0 : 2;
    default:
      process.stderr.write(`unknown command '${cmd}'\n${USAGE}\n`);
      return 2;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      // Interrupted (e.g. Ctrl-C during `up`): do not leave half-started servers behind.
      for (const pid of startedHere) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      if (heldLock) fs.rmSync(heldLock, { recursive: true, force: true });
      process.exit(130);
    });
  }
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`\n[test-cluster] ERROR: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
