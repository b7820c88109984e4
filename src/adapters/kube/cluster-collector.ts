/**
 * Reads live clusters into snapshots. Per cluster: one KubeConfig of its own, discovery (/version and whether
 * the AdminNetworkPolicy API is served), then paged lists slimmed as they arrive, then the same pure
 * objectsToContent the manifest path uses — so equal objects give equal snapshots whichever way they came.
 * Clusters are collected concurrently (bounded); one failing never stops the others. See docs/collector.md.
 */
import { performance } from 'node:perf_hooks';
import {
  CoreV1Api,
  CustomObjectsApi,
  Observable,
  VersionApi,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { objectsToContent, type SourcedObject } from '../../core/model/kube-objects.js';
import { formatProblem } from '../../core/model/object-problem.js';
import { makeSnapshot, type CollectedResource, type CollectionFailure } from '../../core/model/snapshot.js';
import { UserError } from '../../core/model/user-error.js';
import type { ClusterTarget, CollectOptions, CollectResult } from './cluster-target.js';
import { redactCredentials } from './credential-redactor.js';
import {
  callWithPolicy,
  describeFailure,
  KubeCallError,
  type BackoffSettings,
  type KubeFailure,
  type ResourceAccess,
} from './kube-call-policy.js';
import { listAllPages, ListExpiredError, type ListPage, type ListPageRequest } from './kube-list-pager.js';
import { slimJob, slimNamespace, slimPod, slimPolicy } from './kube-slim-objects.js';
import { connectTarget, type ConnectOptions, type TargetConnection } from './kubeconfig-targets.js';

export const POLICY_API_GROUP = 'policy.networking.k8s.io';
export const POLICY_API_VERSION = 'v1alpha1';

/** Seams for tests and embedding; production code passes none. */
export interface CollectorHooks {
  /** Every HTTP request, before it is sent: method and URL (never headers). */
  readonly onRequest?: (cluster: string, method: string, url: string) => void;
  /** Awaited before each list page is requested: lets a test act between pages. */
  readonly beforePage?: (cluster: string, resource: string, page: number) => Promise<void> | void;
  readonly connect?: ConnectOptions;
  readonly backoff?: BackoffSettings;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type ResourceKey = 'namespaces' | 'pods' | 'networkpolicies' | 'jobs' | 'adminnetworkpolicies' | 'baselineadminnetworkpolicies';

interface Clients {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly version: VersionApi;
}

interface ListedResource {
  readonly key: ResourceKey;
  readonly access: ResourceAccess;
  /** Without it there is no meaningful snapshot: the cluster fails. */
  readonly required: boolean;
  /** Served only when discovery says so (a CRD). */
  readonly discovered: boolean;
  readonly fetch: (c: Clients, req: ListPageRequest, opts: ConfigurationOptions) => Promise<ListPage<unknown>>;
  readonly slim: (item: unknown) => Record<string, unknown> | undefined;
}

const access = (resource: string, group: string, version: string): ResourceAccess => ({ verb: 'list', resource, group, version });

/** Lists of any group through CustomObjectsApi: the raw JSON, unknown fields and timestamps as sent. */
function rawList(group: string, version: string, plural: string) {
  return async (c: Clients, req: ListPageRequest, opts: ConfigurationOptions): Promise<ListPage<unknown>> => {
    const page = (await c.custom.listClusterCustomObject(
      { group, version, plural, limit: req.limit, ...(req.continueToken ? { _continue: req.continueToken } : {}) },
      opts,
    )) as { items?: unknown[]; metadata?: { continue?: string } } | undefined;
    return { items: page?.items ?? [], ...(page?.metadata?.continue ? { continueToken: page.metadata.continue } : {}) };
  };
}

/**
 * What the collector reads, in order. config/deploy/rbac.yaml grants exactly `list` on each of these (the
 * integration suite proves that every rule is needed and that together they suffice).
 * Pods and namespaces come through the typed core client (only name, labels and a few spec/status fields are
 * kept); policies and jobs come raw, so a policy's spec reaches the engine verbatim.
 */
export const LISTED_RESOURCES: readonly ListedResource[] = [
  {
    key: 'namespaces',
    access: access('namespaces', '', 'v1'),
    required: true,
    discovered: false,
    fetch: async (c, req, opts) => {
      const page = await c.core.listNamespace({ limit: req.limit, ...(req.continueToken ? { _continue: req.continueToken } : {}) }, opts);
      return { items: page.items, ...(page.metadata?._continue ? { continueToken: page.metadata._continue } : {}) };
    },
    slim: slimNamespace,
  },
  {
    key: 'pods',
    access: access('pods', '', 'v1'),
    required: true,
    discovered: false,
    fetch: async (c, req, opts) => {
      const page = await c.core.listPodForAllNamespaces({ limit: req.limit, ...(req.continueToken ? { _continue: req.continueToken } : {}) }, opts);
      return { items: page.items, ...(page.metadata?._continue ? { continueToken: page.metadata._continue } : {}) };
    },
    slim: slimPod,
  },
  {
    key: 'networkpolicies',
    access: access('networkpolicies', 'networking.k8s.io', 'v1'),
    required: true,
    discovered: false,
    fetch: rawList('networking.k8s.io', 'v1', 'networkpolicies'),
    slim: slimPolicy('networking.k8s.io/v1', 'NetworkPolicy', true),
  },
  {
    key: 'jobs',
    access: access('jobs', 'batch', 'v1'),
    required: false,
    discovered: false,
    fetch: rawList('batch', 'v1', 'jobs'),
    slim: slimJob,
  },
  {
    key: 'adminnetworkpolicies',
    access: access('adminnetworkpolicies', POLICY_API_GROUP, POLICY_API_VERSION),
    required: false,
    discovered: true,
    fetch: rawList(POLICY_API_GROUP, POLICY_API_VERSION, 'adminnetworkpolicies'),
    slim: slimPolicy(`${POLICY_API_GROUP}/${POLICY_API_VERSION}`, 'AdminNetworkPolicy', false),
  },
  {
    key: 'baselineadminnetworkpolicies',
    access: access('baselineadminnetworkpolicies', POLICY_API_GROUP, POLICY_API_VERSION),
    required: false,
    discovered: true,
    fetch: rawList(POLICY_API_GROUP, POLICY_API_VERSION, 'baselineadminnetworkpolicies'),
    slim: slimPolicy(`${POLICY_API_GROUP}/${POLICY_API_VERSION}`, 'BaselineAdminNetworkPolicy', false),
  },
];

/** The cluster cannot be snapshotted; the message is the reason. */
class ClusterFailure extends Error {}

/** Per-call options: the attempt's AbortSignal, set by an Observable middleware (client-node 1.x needs one). */
function callOptions(signal: AbortSignal, onRequest?: (method: string, url: string) => void): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal);
      onRequest?.(String(ctx.getHttpMethod()), ctx.getUrl());
      return new Observable(Promise.resolve(ctx));
    },
    post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

function pluralise(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function collectCluster(target: ClusterTarget, options: CollectOptions, hooks: CollectorHooks): Promise<CollectResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let secrets: readonly string[] = [];
  const clean = (text: string) => redactCredentials(text, secrets);
  const progress = (phase: string) => options.onProgress?.(target.name, clean(phase));

  try {
    let conn: TargetConnection;
    try {
      conn = connectTarget(target, hooks.connect);
    } catch (err) {
      throw new ClusterFailure(err instanceof Error ? err.message : String(err));
    }
    secrets = conn.secrets;
    const clients: Clients = {
      core: conn.kc.makeApiClient(CoreV1Api),
      custom: conn.kc.makeApiClient(CustomObjectsApi),
      version: conn.kc.makeApiClient(VersionApi),
    };
    const onRequest = hooks.onRequest ? (method: string, url: string) => hooks.onRequest!(target.name, method, url) : undefined;

    /** One API call under the timeout/retry policy; a failure becomes a KubeCallError. */
    const call = <T>(action: string, fn: (opts: ConfigurationOptions) => Promise<T>): Promise<T> =>
      callWithPolicy((signal) => fn(callOptions(signal, onRequest)), {
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        ...(hooks.backoff ? { backoff: hooks.backoff } : {}),
        ...(hooks.random ? { random: hooks.random } : {}),
        ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
        onRetry: (f: KubeFailure, retry: number, delayMs: number) =>
          progress(`retrying ${action} (${retry}/${options.retries}) in ${delayMs} ms: ${describeFailure(f, { action, server: conn.server, context: conn.context, attempts: 1 })}`),
      });
    const reasonOf = (err: unknown, action: string, acc?: ResourceAccess): string => {
      if (err instanceof KubeCallError) {
        return describeFailure(err.failure, { action, server: conn.server, context: conn.context, attempts: err.attempts, ...(acc ? { access: acc } : {}) });
      }
      if (err instanceof ListExpiredError) return `cannot ${action}: ${err.message}; a larger page size pages through faster`;
      return `failed to ${action}: ${err instanceof Error ? err.message : String(err)}`;
    };

    // 1. discovery
    progress(`connecting to ${conn.server} (context ${conn.context})`);
    let serverVersion: string;
    try {
      const info = await call('read /version', (o) => clients.version.getCode({}, o));
      serverVersion = info.gitVersion;
    } catch (err) {
      throw new ClusterFailure(reasonOf(err, 'read /version'));
    }
    progress(`server version ${serverVersion}`);

    const discoveryFailures = new Map<ResourceKey, string>();
    let served = new Set<string>();
    try {
      const list = await call(`discover ${POLICY_API_GROUP}/${POLICY_API_VERSION}`, (o) =>
        clients.custom.getAPIResources({ group: POLICY_API_GROUP, version: POLICY_API_VERSION }, o),
      );
      served = new Set(list.resources.map((r) => r.name));
    } catch (err) {
      if (!(err instanceof KubeCallError && err.failure.kind === 'http' && err.failure.status === 404)) {
        // unknown rather than absent: say so for both resources instead of pretending they are not there
        const reason = reasonOf(err, `discover ${POLICY_API_GROUP}/${POLICY_API_VERSION}`);
        for (const r of LISTED_RESOURCES) if (r.discovered) discoveryFailures.set(r.key, reason);
      }
    }
    const discovered = LISTED_RESOURCES.filter((r) => r.discovered);
    progress(
      `${POLICY_API_GROUP}/${POLICY_API_VERSION}: ` +
        discovered.map((r) => `${r.key} ${discoveryFailures.has(r.key) ? 'unknown' : served.has(r.key) ? 'served' : 'not served'}`).join(', '),
    );

    // 2. lists
    const takenAt = options.now().toISOString();
    const objects: SourcedObject[] = [];
    const collected: CollectedResource[] = [];
    const failures: CollectionFailure[] = [];
    for (const res of LISTED_RESOURCES) {
      const discoveryFailure = discoveryFailures.get(res.key);
      if (discoveryFailure) {
        failures.push({ resource: res.key, reason: clean(discoveryFailure) });
        continue;
      }
      if (res.discovered && !served.has(res.key)) {
        collected.push({ resource: res.key, served: false, count: 0 });
        continue;
      }
      const action = `list ${res.key}`;
      progress(`listing ${res.key}`);
      let read = 0;
      try {
        const listed = await listAllPages(
          (req) => call(action, (o) => res.fetch(clients, req, o)),
          (item) => {
            read++;
            return res.slim(item);
          },
          {
            pageSize: options.pageSize,
            ...(hooks.beforePage ? { beforePage: (page: number) => hooks.beforePage!(target.name, res.key, page) } : {}),
            onPage: (page) => {
              if (page > 1) progress(`listing ${res.key}: page ${page}, ${read} so far`);
            },
          },
        );
        for (const object of listed.items) objects.push({ origin: `${target.name}/${res.key}`, object });
        collected.push({ resource: res.key, served: true, count: read });
        progress(`${res.key}: ${read} in ${pluralise(listed.requests, 'request')}${listed.restarts ? ` (${listed.restarts} restarts after expiry)` : ''}`);
      } catch (err) {
        const reason = clean(reasonOf(err, action, res.access));
        if (res.required) throw new ClusterFailure(reason);
        failures.push({ resource: res.key, reason });
        progress(`${res.key}: not read: ${reason}`);
      }
    }

    // 3. content, exactly as for manifests
    const { content, problems } = objectsToContent(objects);
    // slim Jobs carry no spec by design (they only link pods to CronJobs): the "spec is required" that
    // objectsToContent reports for them is an artefact of slimming, not a problem of the cluster
    const real = problems.filter((p) => p.severity === 'error' && !p.object?.startsWith('Job '));
    const byResource = new Map<string, string[]>();
    for (const p of real) {
      const origin = p.origin ?? '';
      const resource = origin.slice(origin.lastIndexOf('/') + 1) || 'objects';
      byResource.set(resource, [...(byResource.get(resource) ?? []), formatProblem(p)]);
    }
    for (const [resource, list] of byResource) {
      failures.push({ resource, reason: clean(`${pluralise(list.length, 'invalid field')} (objects skipped); first: ${list[0]}`) });
    }

    const snapshot = makeSnapshot(
      {
        cluster: target.name,
        takenAt,
        source: { type: 'cluster', context: conn.context, server: conn.server, serverVersion },
        collected,
        failures,
      },
      content,
    );
    const policies = snapshot.networkPolicies.length;
    progress(
      `done in ${elapsed()} ms: ${pluralise(snapshot.namespaces.length, 'namespace')}, ${pluralise(snapshot.pods.length, 'pod')}, ` +
        `${policies} NetworkPolic${policies === 1 ? 'y' : 'ies'}${failures.length ? `; ${pluralise(failures.length, 'failure')}` : ''}`,
    );
    return { cluster: target.name, ok: true, snapshot, durationMs: elapsed() };
  } catch (err) {
    const reason = clean(
      err instanceof ClusterFailure || err instanceof UserError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`,
    );
    progress(`failed: ${reason}`);
    return { cluster: target.name, ok: false, reason, durationMs: elapsed() };
  }
}

/**
 * Collects every target, at most `options.concurrency` at once. Never rejects for a cluster's sake: each
 * result is ok with a snapshot, or not ok with a reason. Results are in target order.
 */
export async function collectClusters(targets: readonly ClusterTarget[], options: CollectOptions, hooks: CollectorHooks = {}): Promise<CollectResult[]> {
  const results: CollectResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await collectCluster(targets[i]!, options, hooks);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, targets.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
