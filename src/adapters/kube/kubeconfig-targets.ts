/**
 * Which clusters to collect (kubeconfig contexts, or the pod's own service account), and one KubeConfig per
 * target holding only that target's context, cluster and user: client-node reads credentials from a
 * KubeConfig's *current* context at request time, so a KubeConfig shared between contexts would send one
 * cluster's credentials to another.
 */
import { existsSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { EnvironmentError, UserError } from '../../core/model/user-error.js';
import type { ClusterTarget } from './cluster-target.js';

export const IN_CLUSTER_NAME = 'in-cluster';
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface TargetSelection {
  readonly contexts?: readonly string[];
  readonly allContexts?: boolean;
  readonly inCluster?: boolean;
  /** kubeconfig file(s), separated like $KUBECONFIG; default $KUBECONFIG, then ~/.kube/config. */
  readonly kubeconfig?: string;
}

/** The kubeconfig files to read, in order (the first one that sets something wins, as with kubectl). */
export function kubeconfigFiles(kubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env): { files: string[]; from: string } {
  if (kubeconfig) return { files: kubeconfig.split(delimiter).filter(Boolean), from: '--kubeconfig' };
  if (env['KUBECONFIG']) return { files: env['KUBECONFIG'].split(delimiter).filter(Boolean), from: '$KUBECONFIG' };
  return { files: [join(homedir(), '.kube', 'config')], from: 'the default location' };
}

/** js-yaml's message quotes the offending lines, which may hold a token: keep only the line number and reason. */
function describeLoadError(file: string, err: unknown): string {
  const e = err as { name?: unknown; mark?: { line?: unknown }; reason?: unknown; message?: unknown };
  if (e?.name === 'YAMLException') {
    const line = typeof e.mark?.line === 'number' ? ` at line ${e.mark.line + 1}` : '';
    return `${file}: not valid YAML${line}${typeof e.reason === 'string' ? ` (${e.reason})` : ''}`;
  }
  // client-node's own validation messages name fields ("users[0].name is missing"), never values
  const msg = typeof e?.message === 'string' ? e.message.split('\n')[0] : String(err);
  return `${file}: ${msg}`;
}

/**
 * Reads and merges the kubeconfig files like kubectl: for clusters, users and contexts of the same name and for
 * current-context, the first file wins. No file at all is an error (client-node would silently fall back to
 * http://localhost:8080).
 */
export function loadKubeconfig(kubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const { files, from } = kubeconfigFiles(kubeconfig, env);
  const existing = files.filter((f) => existsSync(f));
  if (from === '--kubeconfig' && existing.length < files.length) {
    const missing = files.filter((f) => !existing.includes(f));
    throw new UserError(`kubeconfig ${missing.join(', ')} not found`, 'check the --kubeconfig path');
  }
  if (!existing.length) {
    throw new UserError(
      `no kubeconfig found (looked at ${files.join(', ')} from ${from})`,
      'pass --kubeconfig FILE, set $KUBECONFIG, or use --in-cluster when running in a pod',
    );
  }
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext: string | undefined;
  for (const file of existing) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (err) {
      throw new UserError(`cannot read kubeconfig ${describeLoadError(file, err)}`, 'fix the file or point --kubeconfig at another one');
    }
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    currentContext ||= kc.getCurrentContext() || undefined;
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext });
  return merged;
}

function available(kc: KubeConfig): string {
  const names = kc.getContexts().map((c) => c.name);
  return names.length ? names.join(', ') : '(none)';
}

/**
 * The targets a command asked for: the named contexts, all contexts, the pod's service account, or — with no
 * flag — the current context. Unknown contexts are a UserError listing the available ones.
 */
export function targetsFromKubeconfig(sel: TargetSelection, env: NodeJS.ProcessEnv = process.env): ClusterTarget[] {
  const contexts = [...new Set(sel.contexts ?? [])];
  if (sel.inCluster) {
    if (contexts.length || sel.allContexts) throw new UserError('--in-cluster cannot be combined with --context or --all-contexts');
    if (!env['KUBERNETES_SERVICE_HOST'] || !env['KUBERNETES_SERVICE_PORT']) {
      throw new UserError(
        '--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set, so this is not running in a pod',
        'run inside the cluster (see config/deploy/), or use a kubeconfig context instead',
      );
    }
    return [{ name: IN_CLUSTER_NAME, inCluster: true }];
  }
  if (contexts.length && sel.allContexts) throw new UserError('--context and --all-contexts cannot be combined');
  const kc = loadKubeconfig(sel.kubeconfig, env);
  const file = sel.kubeconfig ? { kubeconfig: sel.kubeconfig } : {};
  if (sel.allContexts) {
    const all = kc.getContexts().map((c) => c.name);
    if (!all.length) throw new UserError('the kubeconfig has no contexts', 'add one (kubectl config set-context) or pass another --kubeconfig');
    return all.map((name) => ({ name, context: name, ...file }));
  }
  if (contexts.length) {
    const unknown = contexts.filter((c) => !kc.getContextObject(c));
    if (unknown.length) {
      throw new UserError(
        `unknown kubeconfig context${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `'${c}'`).join(', ')}; available: ${available(kc)}`,
        'pass one of the available contexts with --context, or --all-contexts',
      );
    }
    return contexts.map((name) => ({ name, context: name, ...file }));
  }
  const current = kc.getCurrentContext();
  if (!current || !kc.getContextObject(current)) {
    throw new UserError(
      current ? `the current context '${current}' is not defined in the kubeconfig; available: ${available(kc)}` : `the kubeconfig has no current context; available: ${available(kc)}`,
      'pass --context NAME (or --all-contexts), or set one with kubectl config use-context',
    );
  }
  return [{ name: current, context: current, ...file }];
}

/** A server URL fit for snapshots and messages: scheme, host, port and path only (no user info, query). */
export function displayServer(server: string): string {
  try {
    const u = new URL(server);
    // keep the port even when it is the default one: the URL as the kubeconfig wrote it, minus secrets
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    return `${u.protocol}//${u.hostname}${port ? `:${port}` : ''}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(invalid server URL)';
  }
}

export interface TargetConnection {
  /** Holds exactly one context, cluster and user. */
  readonly kc: KubeConfig;
  readonly context: string;
  /** API server URL without credentials. */
  readonly server: string;
  /** Secret strings of the user entry, so that no message can ever echo them. */
  readonly secrets: readonly string[];
}

function userSecrets(user: User | null): string[] {
  if (!user) return [];
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 6) out.push(v);
  };
  add(user.token);
  add(user.password);
  add(user.keyData);
  const cfg = (user.authProvider as { config?: Record<string, unknown> } | undefined)?.config;
  if (cfg) for (const [k, v] of Object.entries(cfg)) if (/token|secret|password/i.test(k)) add(v);
  const execEnv = (user.exec as { env?: { value?: unknown }[] } | undefined)?.env;
  if (Array.isArray(execEnv)) for (const e of execEnv) add(e?.value);
  return out;
}

export interface ConnectOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Prefix of the service-account directory (tests point it at a temp dir). */
  readonly serviceAccountRoot?: string;
}

/** A fresh KubeConfig for one target. Throws UserError/EnvironmentError for what the user must fix. */
export function connectTarget(target: ClusterTarget, opts: ConnectOptions = {}): TargetConnection {
  const env = opts.env ?? process.env;
  if (target.inCluster) {
    const root = opts.serviceAccountRoot ?? '';
    const tokenFile = `${root}${SERVICE_ACCOUNT_DIR}/token`;
    if (!env['KUBERNETES_SERVICE_HOST'] || !env['KUBERNETES_SERVICE_PORT']) {
      throw new EnvironmentError('in-cluster mode: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT are not set (not running in a pod?)');
    }
    if (!existsSync(tokenFile)) {
      throw new EnvironmentError(
        `in-cluster mode: no service account token at ${tokenFile}`,
        'mount one (automountServiceAccountToken must not be false) or use a kubeconfig context',
      );
    }
    // what KubeConfig.loadFromCluster() builds, but from `env` (tests) rather than process.env
    const host = env['KUBERNETES_SERVICE_HOST'];
    const port = env['KUBERNETES_SERVICE_PORT'];
    const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: IN_CLUSTER_NAME, server, caFile: `${root}${SERVICE_ACCOUNT_DIR}/ca.crt`, skipTLSVerify: false }],
      // the tokenFile provider re-reads the file every 60 s: projected tokens rotate
      users: [{ name: IN_CLUSTER_NAME, authProvider: { name: 'tokenFile', config: { tokenFile } } }],
      contexts: [{ name: IN_CLUSTER_NAME, cluster: IN_CLUSTER_NAME, user: IN_CLUSTER_NAME }],
      currentContext: IN_CLUSTER_NAME,
    });
    return { kc, context: IN_CLUSTER_NAME, server: displayServer(server), secrets: [] };
  }
  const base = loadKubeconfig(target.kubeconfig, env);
  const name = target.context ?? base.getCurrentContext();
  const context = name ? base.getContextObject(name) : null;
  if (!context) throw new UserError(`unknown kubeconfig context '${name ?? ''}'; available: ${available(base)}`);
  const cluster = base.getCluster(context.cluster);
  if (!cluster) throw new UserError(`kubeconfig context '${context.name}' refers to cluster '${context.cluster}', which is not defined`);
  const user = base.getUser(context.user);
  if (!user) throw new UserError(`kubeconfig context '${context.name}' refers to user '${context.user}', which is not defined`);
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: context.name });
  return { kc, context: context.name, server: displayServer(cluster.server), secrets: userSecrets(user) };
}
