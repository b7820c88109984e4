/**
 * Loads what a report needs from the history: per cluster, the newest snapshot of the period, of the
 * previous period and of each trend period, analysed and audited (each snapshot once). Periods without a
 * snapshot stay empty, with the reason when a collection failure was recorded.
 */
import type { HistoryStore, StoredSnapshotMeta } from '../../adapters/store/history-store.js';
import { workloadConnectivity } from '../../core/engine/workload-connectivity.js';
import type { EngineSettings } from '../../core/engine/engine-settings.js';
import type { AuditSettings } from '../../core/findings/audit-settings.js';
import type { PreviousPeriodCounts } from '../../core/findings/check.js';
import { runAudit } from '../../core/findings/run-audit.js';
import type { AnalysedSnapshot, ClusterPeriodData } from '../../core/report/build-report-model.js';
import { periodBounds, previousPeriod } from '../../core/report/report-period.js';
import type { ReportPeriod } from '../../core/report/report-model.js';
import { analyseSnapshot } from '../analyse-snapshot.js';
import { policyCounts } from '../audit-snapshot.js';

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
  const cache = new Map<string, AnalysedSnapshot>();
  const newestIn = async (cluster: string, p: ReportPeriod): Promise<StoredSnapshotMeta | undefined> => {
    const { start, end } = periodBounds(p);
    const list = await store.listSnapshots({ cluster, from: start, to: end });
    return list[list.length - 1];
  };
  const analysed = async (meta: StoredSnapshotMeta, asOf: string, previous?: PreviousPeriodCounts): Promise<AnalysedSnapshot> => {
    const key = `${meta.id}|${asOf}|${previous?.takenAt ?? ''}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const snapshot = await store.getSnapshot(meta.id);
    if (!snapshot) throw new Error(`snapshot ${meta.id} disappeared from the store`);
    req.onProgress?.(`analysing ${meta.cluster} snapshot ${meta.id} (${meta.takenAt})`);
    const { analysis } = analyseSnapshot(snapshot, req.engine);
    const audit = runAudit({ cluster: meta.cluster, takenAt: meta.takenAt, analysis, settings: req.audit, today: asOf, ...(previous ? { previous } : {}) });
    const result: AnalysedSnapshot = {
      meta: {
        id: meta.id,
        takenAt: meta.takenAt,
        contentHash: meta.contentHash,
        ...(meta.source.serverVersion ? { serverVersion: meta.source.serverVersion } : {}),
        failures: snapshot.failures.map((f) => `${f.resource}: ${f.reason}`),
      },
      snapshot,
      audit,
      connectivity: workloadConnectivity(analysis),
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
    const previous = prevMeta ? await analysed(prevMeta, asOf(prevPeriod), prevOfPrev ? policyCounts((await store.getSnapshot(prevOfPrev.id))!, previousPeriod(prevPeriod).label) : undefined) : undefined;
    const curMeta = await newestIn(cluster, req.period);
    const current = curMeta ? await analysed(curMeta, asOf(req.period), previous ? policyCounts(previous.snapshot, prevPeriod.label) : undefined) : undefined;
    let missingReason: string | undefined;
    if (!current) {
      const { start, end } = periodBounds(req.period);
      const failures = await store.listCollectionFailures({ cluster, from: start, to: end });
      const last = failures[failures.length - 1];
      missingReason = last
        ? `no snapshot in ${req.period.label}; the last collection attempt (${last.attemptedAt}) failed: ${last.reason}`
        : `no snapshot was taken between ${req.period.from} and ${req.period.to}`;
    }
    const trend = [];
    for (const p of req.trendPeriods) {
      if (p.label === req.period.label) trend.push({ period: p, audit: current?.audit ?? null });
      else if (p.label === prevPeriod.label) trend.push({ period: p, audit: previous?.audit ?? null });
      else {
        const meta = await newestIn(cluster, p);
        trend.push({ period: p, audit: meta ? (await analysed(meta, asOf(p))).audit : null });
      }
    }
    out.push({ cluster, ...(current ? { current } : {}), ...(previous ? { previous } : {}), ...(missingReason ? { missingReason } : {}), trend });
  }
  return out;
}
