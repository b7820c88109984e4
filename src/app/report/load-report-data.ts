/**
 * Loads what a report needs from the history: per cluster, the newest snapshot of the period, of the
 * previous period and of each trend period, analysed and audited (each snapshot once). Periods without a
 * snapshot stay empty, with the reason when a collection failure was recorded. A snapshot beyond one of
 * the engine's limits (class cap, pair-cell limit) is audited from reach blocks: its figures and findings
 * are those of a complete audit but for the checks that need the complete analysis, and its connections
 * are not listed. Past the block audit's own limit, its period has no figures, only the engine's explanation
 * and the findings of the policy-level checks. Neither stops the other clusters' report.
 */
import type { HistoryStore, StoredSnapshotMeta } from '../../adapters/store/history-store.js';
import { workloadConnectivity } from '../../core/engine/workload-connectivity.js';
import type { EngineSettings } from '../../core/engine/engine-settings.js';
import type { AuditSettings } from '../../core/findings/audit-settings.js';
import type { PreviousPeriodCounts } from '../../core/findings/check.js';
import type { AnalysedSnapshot, ClusterPeriodData, TrendEntry, UnanalysedSnapshot } from '../../core/report/build-report-model.js';
import type { Snapshot } from '../../core/model/snapshot.js';
import { periodBounds, previousPeriod } from '../../core/report/report-period.js';
import type { ReportPeriod } from '../../core/report/report-model.js';
import { listFromBlocks } from '../analyse-snapshot.js';
import { auditSnapshot, policyCounts } from '../audit-snapshot.js';

export interface ReportDataRequest {
  readonly clusters: readonly string[];
  readonly period: ReportPeriod;
  /** Oldest first, ending with the period itself. */
  readonly trendPeriods: readonly ReportPeriod[];
  readonly engine: EngineSettings;
  readonly audit: AuditSettings;
  /** YYYY-MM-DD the report is produced on. */
  readonly today: string;
  readonly onProgress?: (message: string) => void;
}

export async function loadReportData(store: HistoryStore, req: ReportDataRequest): Promise<ClusterPeriodData[]> {
  const cache = new Map<string, AnalysedSnapshot | Unanalysable>();
  const newestIn = async (cluster: string, p: ReportPeriod): Promise<StoredSnapshotMeta | undefined> => {
    const { start, end } = periodBounds(p);
    const list = await store.listSnapshots({ cluster, from: start, to: end });
    return list[list.length - 1];
  };
  /** `list`: list its connections from reach blocks when beyond the limits (the period's and the previous period's snapshot: export and drift). */
  const analysed = async (meta: StoredSnapshotMeta, asOf: string, previous?: PreviousPeriodCounts, list = false): Promise<AnalysedSnapshot | Unanalysable> => {
    const key = `${meta.id}|${asOf}|${previous?.takenAt ?? ''}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const snapshot = await store.getSnapshot(meta.id);
    if (!snapshot) throw new Error(`snapshot ${meta.id} disappeared from the store`);
    req.onProgress?.(`analysing ${meta.cluster} snapshot ${meta.id} (${meta.takenAt})`);
    const audited = auditSnapshot(snapshot, req.engine, req.audit, asOf, previous, { ...(req.onProgress ? { onProgress: req.onProgress } : {}) });
    if (!audited.complete && !audited.fromBlocks) {
      req.onProgress?.(`${meta.cluster} snapshot ${meta.id} not analysed: ${audited.stoppedBy.summary}; policy-level checks only`);
      const unanalysable: Unanalysable = {
        unanalysed: { id: meta.id, takenAt: meta.takenAt, contentHash: meta.contentHash, reason: audited.result.notRun.reason, snapshot, policyAudit: audited.result },
      };
      cache.set(key, unanalysable);
      return unanalysable;
    }
    // beyond the engine's limits the connections come from reach blocks when their listing fits (W3 at 100k
    // pods has 57 million connected workload pairs: not listed, the note says so)
    const listed = audited.complete ? { connectivity: workloadConnectivity(audited.analysis) } : list ? listFromBlocks(audited.result.facts) : {};
    if (listed.stoppedBy) req.onProgress?.(`${meta.cluster} snapshot ${meta.id}: connections not listed from reach blocks: ${listed.stoppedBy.summary}`);
    const result: AnalysedSnapshot = {
      meta: {
        id: meta.id,
        takenAt: meta.takenAt,
        contentHash: meta.contentHash,
        ...(meta.source.serverVersion ? { serverVersion: meta.source.serverVersion } : {}),
        failures: snapshot.failures.map((f) => `${f.resource}: ${f.reason}`),
      },
      snapshot,
      audit: audited.result,
      ...(listed.connectivity ? { connectivity: listed.connectivity } : {}),
    };
    cache.set(key, result);
    return result;
  };
  // exceptions are judged as of each period's last day (or today, for the running period)
  const asOf = (p: ReportPeriod) => (p.to < req.today ? p.to : req.today);
  const out: ClusterPeriodData[] = [];
  for (const cluster of req.clusters) {
    const prevPeriod = previousPeriod(req.period);
    const prevMeta = await newestIn(cluster, prevPeriod);
    const prevOfPrev = prevMeta ? await newestIn(cluster, previousPeriod(prevPeriod)) : undefined;
    const prevResult = prevMeta ? await analysed(prevMeta, asOf(prevPeriod), prevOfPrev ? policyCounts((await store.getSnapshot(prevOfPrev.id))!, previousPeriod(prevPeriod).label) : undefined, true) : undefined;
    const previous = analysedOnly(prevResult);
    const previousUnanalysed = unanalysedOnly(prevResult);
    const curMeta = await newestIn(cluster, req.period);
    const curResult = curMeta ? await analysed(curMeta, asOf(req.period), prevResult ? policyCounts(snapshotOf(prevResult), prevPeriod.label) : undefined, true) : undefined;
    const current = analysedOnly(curResult);
    const unanalysed = unanalysedOnly(curResult);
    let missingReason: string | undefined;
    if (unanalysed) missingReason = unanalysed.reason;
    else if (!current) {
      const { start, end } = periodBounds(req.period);
      const failures = await store.listCollectionFailures({ cluster, from: start, to: end });
      const last = failures[failures.length - 1];
      missingReason = last
        ? `no snapshot in ${req.period.label}; the last collection attempt (${last.attemptedAt}) failed: ${last.reason}`
        : `no snapshot was taken between ${req.period.from} and ${req.period.to}`;
    }
    // a period whose snapshot the engine stopped on keeps its policy-level audit (the policy count needs no allow set)
    const trendEntry = (period: ReportPeriod, r: AnalysedSnapshot | Unanalysable | undefined): TrendEntry => {
      const policyAudit = unanalysedOnly(r)?.policyAudit;
      return { period, audit: analysedOnly(r)?.audit ?? null, ...(policyAudit ? { policyAudit } : {}) };
    };
    const trend: TrendEntry[] = [];
    for (const p of req.trendPeriods) {
      if (p.label === req.period.label) trend.push(trendEntry(p, curResult));
      else if (p.label === prevPeriod.label) trend.push(trendEntry(p, prevResult));
      else {
        const meta = await newestIn(cluster, p);
        trend.push(trendEntry(p, meta ? await analysed(meta, asOf(p)) : undefined));
      }
    }
    out.push({
      cluster,
      ...(current ? { current } : {}),
      ...(previous ? { previous } : {}),
      ...(unanalysed ? { unanalysed } : {}),
      ...(previousUnanalysed ? { previousUnanalysed } : {}),
      ...(missingReason ? { missingReason } : {}),
      trend,
    });
  }
  return out;
}

/** A stored snapshot the engine stopped on, as cached (its snapshot and policy-level audit are inside). */
interface Unanalysable {
  readonly unanalysed: UnanalysedSnapshot;
}

const analysedOnly = (r: AnalysedSnapshot | Unanalysable | undefined): AnalysedSnapshot | undefined => (r && !('unanalysed' in r) ? r : undefined);
const unanalysedOnly = (r: AnalysedSnapshot | Unanalysable | undefined): UnanalysedSnapshot | undefined => (r && 'unanalysed' in r ? r.unanalysed : undefined);
const snapshotOf = (r: AnalysedSnapshot | Unanalysable): Snapshot => ('unanalysed' in r ? r.unanalysed : r).snapshot;
