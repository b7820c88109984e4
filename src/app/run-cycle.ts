/**
 * One unattended cycle: snapshot every configured cluster, store, audit, and — when a period has closed
 * and its report was not produced yet — render and deliver that period's report. Safe to re-run: a lock
 * in the store keeps concurrent runs apart, a period's report is produced once (unless forced), and each
 * step keeps what the earlier steps produced when a later one fails.
 */
import type { CollectResult } from '../adapters/kube/cluster-target.js';
import type { Logger } from '../adapters/log/logger.js';
import { podsAndPolicies, type HistoryStore, type ReportRecord } from '../adapters/store/history-store.js';
import { periodContaining, previousPeriod, periodBounds, type PeriodKind } from '../core/report/report-period.js';
import type { ReportPeriod } from '../core/report/report-model.js';
import type { Snapshot } from '../core/model/snapshot.js';

export interface ReportOutcome {
  readonly status: ReportRecord['status'];
  readonly outputDir: string;
  readonly detail?: string;
}

export interface RunCycleDeps {
  readonly store: HistoryStore;
  /** Collects the configured clusters (live or manifest folders); one result per cluster. */
  readonly collect: () => Promise<CollectResult[]>;
  /**
   * A one-line audit summary of a stored snapshot, e.g. `containment 81.3 (B); 0 critical, 3 high ...`;
   * complete is false when the engine stopped at a limit and some check did not run (from reach blocks, those
   * that need the complete analysis; past the blocks' limit, every check over allow sets).
   */
  readonly auditLine: (snapshot: Snapshot) => { readonly text: string; readonly complete: boolean };
  /** Clusters a report covers (configured ones, else every cluster in the store). */
  readonly reportClusters: () => Promise<string[]>;
  readonly produceReport: (period: ReportPeriod, clusters: readonly string[]) => Promise<ReportOutcome>;
  readonly now: () => Date;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RunOptions {
  readonly snapshot: boolean;
  readonly report: boolean;
  /** Produce the report even if this period's report exists. */
  readonly force: boolean;
  /** Report this period instead of the last closed one. */
  readonly period?: ReportPeriod;
  readonly periodKind: PeriodKind;
  /** How long to wait for another run's lock before giving up cleanly (0: do not wait). */
  readonly waitMs: number;
  readonly lockTtlMs: number;
  /** Identifies this run in the lock (host, pid). */
  readonly owner: string;
}

export interface ClusterLine {
  readonly cluster: string;
  readonly ok: boolean;
  readonly line: string;
}

export interface RunResult {
  /** busy: another run holds the lock, nothing was done. */
  readonly lock: 'acquired' | 'busy' | 'aborted';
  readonly clusters: readonly ClusterLine[];
  readonly report?: { readonly period: string; readonly status: 'produced' | 'delivered' | 'delivery-failed' | 'exists' | 'not-due' | 'no-data' | 'failed' | 'aborted'; readonly detail?: string };
  /** 0 ok, 3 when a cluster, the store, rendering or delivery failed. */
  readonly exitCode: number;
}

const LOCK = 'run';

export async function runCycle(deps: RunCycleDeps, opts: RunOptions): Promise<RunResult> {
  const { store, log } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + opts.waitMs;
  while (!(await store.tryLock(LOCK, opts.owner, opts.lockTtlMs, deps.now()))) {
    if (Date.now() >= deadline || deps.signal?.aborted) {
      log.info('another run holds the lock; nothing to do', { store: store.location });
      return { lock: 'busy', clusters: [], exitCode: 0 };
    }
    await sleep(Math.min(2000, Math.max(10, deadline - Date.now())));
  }
  try {
    const clusters: ClusterLine[] = [];
    let failed = false;
    if (opts.snapshot) {
      log.info('collecting clusters');
      const results = await deps.collect();
      for (const r of results) {
        if (deps.signal?.aborted) break;
        if (!r.ok) {
          failed = true;
          await store.recordCollectionFailure({ cluster: r.cluster, attemptedAt: deps.now().toISOString(), reason: r.reason });
          clusters.push({ cluster: r.cluster, ok: false, line: `${r.cluster}: FAILED: ${r.reason}` });
          log.error('collection failed', { cluster: r.cluster, reason: r.reason });
          continue;
        }
        const meta = await store.saveSnapshot(r.snapshot);
        let audit = '';
        try {
          const line = deps.auditLine(r.snapshot);
          audit = `; ${line.text}`;
          // a cluster where some check did not run is not a success (as `audit` exits 2 for it)
          if (!line.complete) failed = true;
        } catch (e) {
          audit = `; audit failed: ${(e as Error).message}`;
          failed = true;
        }
        const line = `${r.cluster}: snapshot ${meta.id} stored (${podsAndPolicies(meta.counts)}${meta.failures ? `, ${meta.failures} resource${meta.failures === 1 ? '' : 's'} not collected` : ''})${audit}`;
        clusters.push({ cluster: r.cluster, ok: true, line });
        log.info('snapshot stored', { cluster: r.cluster, snapshot: meta.id, pods: meta.counts.pods, durationMs: Math.round(r.durationMs) });
      }
    }
    if (deps.signal?.aborted) {
      log.warn('stopped before the report step (shutdown requested)');
      return { lock: 'aborted', clusters, ...(opts.report ? { report: { period: '', status: 'aborted' as const } } : {}), exitCode: failed ? 3 : 0 };
    }
    if (!opts.report) return { lock: 'acquired', clusters, exitCode: failed ? 3 : 0 };
    const report = await reportStep(deps, opts);
    return { lock: 'acquired', clusters, report, exitCode: failed || report.status === 'failed' || report.status === 'delivery-failed' ? 3 : 0 };
  } finally {
    await store.releaseLock(LOCK, opts.owner);
  }
}

async function reportStep(deps: RunCycleDeps, opts: RunOptions): Promise<NonNullable<RunResult['report']>> {
  const { store, log } = deps;
  const now = deps.now();
  const period = opts.period ?? previousPeriod(periodContaining(opts.periodKind, now.toISOString()));
  if (periodBounds(period).end > now.toISOString() && !opts.force) {
    return { period: period.label, status: 'not-due', detail: `${period.label} has not ended yet` };
  }
  const clusters = await deps.reportClusters();
  const scope = clusters.length ? [...clusters].sort().join(',') : '*';
  const records = await store.findReportRecords(period.label, scope);
  const done = records.find((r) => r.status === 'delivered' || r.status === 'rendered');
  if (done && !opts.force) {
    log.info('report already produced', { period: period.label, at: done.generatedAt, outputDir: done.outputDir });
    return { period: period.label, status: 'exists', detail: `produced ${done.generatedAt} in ${done.outputDir}` };
  }
  const { start, end } = periodBounds(period);
  let any = false;
  for (const c of clusters) if ((await store.listSnapshots({ cluster: c, from: start, to: end, limit: 1 })).length) any = true;
  if (!any) {
    log.warn('no snapshot in the period; no report', { period: period.label });
    return { period: period.label, status: 'no-data', detail: `no cluster has a snapshot in ${period.label}` };
  }
  log.info('producing report', { period: period.label, clusters: clusters.join(',') });
  let outcome: ReportOutcome;
  try {
    outcome = await deps.produceReport(period, clusters);
  } catch (e) {
    log.error('report failed', { period: period.label, reason: (e as Error).message });
    return { period: period.label, status: 'failed', detail: (e as Error).message };
  }
  await store.saveReportRecord({ period: period.label, scope, generatedAt: deps.now().toISOString(), status: outcome.status, outputDir: outcome.outputDir, ...(outcome.detail ? { detail: outcome.detail } : {}) });
  const status = outcome.status === 'rendered' ? 'produced' : outcome.status;
  log.info('report done', { period: period.label, status, outputDir: outcome.outputDir });
  return { period: period.label, status, ...(outcome.detail ? { detail: outcome.detail } : {}) };
}
