/**
 * `netpol-audit snapshot`: collect clusters (kubeconfig contexts, or in-cluster) or read a manifest folder, and
 * store the snapshots. One line per cluster on stdout; a cluster that fails is recorded in the history (so
 * reports can say why data is missing) and makes the exit code 3, while the others are still stored.
 */
import { performance } from 'node:perf_hooks';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_COLLECT_OPTIONS, type ClusterTarget, type CollectResult } from '../../adapters/kube/cluster-target.js';
import { podsAndPolicies, type HistoryStore } from '../../adapters/store/history-store.js';
import { isoInstant } from '../../adapters/store/iso-instant.js';
import { EnvironmentError, UserError } from '../../core/model/user-error.js';
import type { CliContext } from '../cli-context.js';
import { consoleReporter, type Reporter } from '../console-reporter.js';
import { addStoreOption, wholeNumber, withHistoryStore } from '../history-store-access.js';
import { manifestSnapshot } from '../snapshot-input.js';

const LIVE_OPTIONS = ['context', 'allContexts', 'inCluster', 'kubeconfig', 'concurrency', 'pageSize', 'timeout', 'retries'] as const;
const FLAG: Record<(typeof LIVE_OPTIONS)[number], string> = {
  context: '--context',
  allContexts: '--all-contexts',
  inCluster: '--in-cluster',
  kubeconfig: '--kubeconfig',
  concurrency: '--concurrency',
  pageSize: '--page-size',
  timeout: '--timeout',
  retries: '--retries',
};

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number of seconds above 0, got "${value}"`);
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const duration = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** Stores one collected snapshot and prints its line; returns false when the cluster counts as failed. */
async function storeResult(ctx: CliContext, store: HistoryStore, result: CollectResult, attemptedAt: string): Promise<boolean> {
  if (!result.ok) {
    await store.recordCollectionFailure({ cluster: result.cluster, attemptedAt, reason: result.reason });
    ctx.stdout.write(`${result.cluster}: FAILED: ${result.reason}\n`);
    return false;
  }
  try {
    const meta = await store.saveSnapshot(result.snapshot);
    const partial = result.snapshot.failures.length
      ? `; partial: ${result.snapshot.failures.map((f) => `${f.resource} (${f.reason})`).join(', ')}`
      : '';
    ctx.stdout.write(
      `${result.cluster}: stored snapshot ${meta.id} (${podsAndPolicies(meta.counts)}) in ${duration(result.durationMs)}${partial}\n`,
    );
    return true;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    ctx.stdout.write(`${result.cluster}: FAILED: collected, but not stored: ${e.message}\n`);
    return false;
  }
}

async function snapshotManifests(ctx: CliContext, opts: Record<string, unknown>, reporter: Reporter): Promise<void> {
  const live = LIVE_OPTIONS.filter((k) => opts[k] !== undefined && !(Array.isArray(opts[k]) && (opts[k] as unknown[]).length === 0));
  if (live.length) throw new UserError(`--manifests cannot be combined with ${live.map((k) => FLAG[k]).join(', ')}`, 'snapshot either a manifest folder or live clusters');
  const cluster = opts['cluster'] as string | undefined;
  if (!cluster) throw new UserError('snapshot --manifests needs --cluster NAME', 'the history files snapshots by cluster name');
  const takenAt = opts['takenAt'] !== undefined ? isoInstant(opts['takenAt'] as string, '--taken-at') : ctx.now().toISOString();
  await withHistoryStore(ctx, opts, async (store) => {
    const started = performance.now();
    const snapshot = await manifestSnapshot(opts['manifests'] as string, reporter, { cluster, takenAt });
    await storeResult(ctx, store, { cluster, ok: true, snapshot, durationMs: performance.now() - started }, takenAt);
  });
}

/** No cluster chosen on the command line and clusters in the configuration: collect those. */
async function snapshotConfiguredClusters(ctx: CliContext, opts: Record<string, unknown>, reporter: Reporter): Promise<boolean> {
  const chosen = ['context', 'allContexts', 'inCluster', 'kubeconfig', 'cluster'].some((k) => opts[k] !== undefined && !(Array.isArray(opts[k]) && (opts[k] as unknown[]).length === 0));
  if (chosen) return false;
  const config = await ctx.loadConfig(opts);
  if (!config.clusters.length) return false;
  const { collectConfiguredClusters } = await import('../../app/collect-configured-clusters.js');
  const { collectOptionsFrom } = await import('../../config/config-mapping.js');
  await withHistoryStore(ctx, opts, async (store) => {
    const attemptedAt = ctx.now().toISOString();
    const base = collectOptionsFrom(config, () => ctx.now());
    const results = await collectConfiguredClusters(config, {
      ...base,
      ...(opts['concurrency'] !== undefined ? { concurrency: opts['concurrency'] as number } : {}),
      ...(opts['pageSize'] !== undefined ? { pageSize: opts['pageSize'] as number } : {}),
      ...(opts['timeout'] !== undefined ? { timeoutMs: Math.round((opts['timeout'] as number) * 1000) } : {}),
      ...(opts['retries'] !== undefined ? { retries: opts['retries'] as number } : {}),
      onProgress: (c, phase) => reporter.progress(`${c}: ${phase}`),
    });
    await storeAll(ctx, store, results, attemptedAt);
  });
  return true;
}

async function storeAll(ctx: CliContext, store: HistoryStore, results: readonly CollectResult[], attemptedAt: string): Promise<void> {
  let failed = 0;
  for (const result of results) if (!(await storeResult(ctx, store, result, attemptedAt))) failed++;
  if (failed) {
    throw new EnvironmentError(
      failed === results.length
        ? `no cluster was stored: ${failed === 1 ? 'its collection' : `all ${failed}`} failed`
        : `${failed} of ${results.length} clusters failed; the others were stored`,
      'the failures are recorded in the history, so reports show why data is missing',
    );
  }
}

async function snapshotClusters(ctx: CliContext, opts: Record<string, unknown>, reporter: Reporter): Promise<void> {
  if (opts['takenAt'] !== undefined) throw new UserError('--taken-at applies to --manifests only', 'a live cluster is recorded at the time it is collected');
  if (await snapshotConfiguredClusters(ctx, opts, reporter)) return;
  // the Kubernetes client is loaded only when a live cluster is collected (it takes ~0.6 s to load)
  const { targetsFromKubeconfig } = await import('../../adapters/kube/kubeconfig-targets.js');
  const { collectClusters } = await import('../../adapters/kube/cluster-collector.js');
  let targets: ClusterTarget[] = targetsFromKubeconfig(
    {
      contexts: (opts['context'] as string[] | undefined) ?? [],
      allContexts: Boolean(opts['allContexts']),
      inCluster: Boolean(opts['inCluster']),
      ...(opts['kubeconfig'] !== undefined ? { kubeconfig: opts['kubeconfig'] as string } : {}),
    },
    ctx.env,
  );
  const cluster = opts['cluster'] as string | undefined;
  if (cluster !== undefined) {
    if (targets.length !== 1) throw new UserError(`--cluster names one cluster, but ${targets.length} are selected`, 'drop --cluster: each is named after its context');
    targets = [{ ...targets[0]!, name: cluster }];
  }
  // open the store first: a store that cannot be written should fail before minutes of collection
  await withHistoryStore(ctx, opts, async (store) => {
    const attemptedAt = ctx.now().toISOString();
    const results = await collectClusters(targets, {
      ...DEFAULT_COLLECT_OPTIONS,
      ...(opts['concurrency'] !== undefined ? { concurrency: opts['concurrency'] as number } : {}),
      ...(opts['pageSize'] !== undefined ? { pageSize: opts['pageSize'] as number } : {}),
      ...(opts['timeout'] !== undefined ? { timeoutMs: Math.round((opts['timeout'] as number) * 1000) } : {}),
      ...(opts['retries'] !== undefined ? { retries: opts['retries'] as number } : {}),
      now: () => ctx.now(),
      onProgress: (c, phase) => reporter.progress(`${c}: ${phase}`),
    });
    await storeAll(ctx, store, results, attemptedAt);
  });
}

export function snapshotCommand(ctx: CliContext): Command {
  const cmd = new Command('snapshot')
    .description('collect clusters (or read a manifest folder) and store the snapshots in the history')
    .option('--manifests <dir>', 'store a folder of manifests instead of collecting a cluster')
    .option('--cluster <name>', 'the name to file the snapshot under (needed with --manifests; default: the context name)')
    .option('--taken-at <iso-8601>', 'with --manifests: when the state was current (default: now)')
    .option('--context <name>', 'kubeconfig context to collect (repeatable; default: the current context)', collect)
    .option('--all-contexts', 'collect every context of the kubeconfig')
    .option('--in-cluster', "collect the cluster this runs in, with the pod's service account")
    .option('--kubeconfig <path>', 'kubeconfig file(s) (default: $KUBECONFIG or ~/.kube/config)')
    .option('--concurrency <n>', `clusters collected at once (default ${DEFAULT_COLLECT_OPTIONS.concurrency})`, wholeNumber(1))
    .option('--page-size <n>', `items per list request (default ${DEFAULT_COLLECT_OPTIONS.pageSize})`, wholeNumber(1))
    .option('--timeout <seconds>', `per API request (default ${DEFAULT_COLLECT_OPTIONS.timeoutMs / 1000})`, seconds)
    .option('--retries <n>', `retries of a failed API request, with backoff (default ${DEFAULT_COLLECT_OPTIONS.retries})`, wholeNumber(0))
    .option('-q, --quiet', 'print no warnings or progress');
  addStoreOption(cmd);
  return cmd.action(async (opts: Record<string, unknown>) => {
    const reporter = consoleReporter({ quiet: Boolean(opts['quiet']) });
    if (opts['manifests'] !== undefined) await snapshotManifests(ctx, opts, reporter);
    else await snapshotClusters(ctx, opts, reporter);
  });
}
