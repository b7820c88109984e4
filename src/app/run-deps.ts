/** Wires a run cycle (run-cycle.ts) to the real collector, audit and report production, from the configuration. */
import type { Logger } from '../adapters/log/logger.js';
import type { HistoryStore } from '../adapters/store/history-store.js';
import { auditSettingsFrom, collectOptionsFrom, engineSettingsFromConfig } from '../config/config-mapping.js';
import type { NetpolAuditConfig } from '../config/netpol-audit-config.js';
import { SEVERITIES } from '../core/findings/severity.js';
import type { Snapshot } from '../core/model/snapshot.js';
import { auditSnapshot } from './audit-snapshot.js';
import { collectConfiguredClusters } from './collect-configured-clusters.js';
import { produceReport } from './report/produce-report.js';
import type { RunCycleDeps } from './run-cycle.js';

export interface RunDepsOptions {
  readonly now: () => Date;
  readonly log: Logger;
  readonly email: 'off' | 'send' | 'dry-run';
  readonly pdf: boolean;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  /** One progress line per cluster and phase (TTY only). */
  readonly onProgress?: (cluster: string, phase: string) => void;
}

/**
 * `containment 81.3 (B); 0 critical, 3 high, 5 medium, 2 low findings`; beyond the engine's limits, from reach
 * blocks, `containment 69.0 (D) from reach blocks (<the limit>); 0 critical, ... findings; 1 check not run
 * (policy-redundant)`; past the blocks' limit too, `not analysed (<the limit>): policy-level checks only,
 * 0 critical, 3 high, ... findings; 6 checks not run`. `complete` is false whenever a check did not run.
 */
export function auditLine(config: NetpolAuditConfig, snapshot: Snapshot, today: string): { text: string; complete: boolean } {
  const audit = auditSnapshot(snapshot, engineSettingsFromConfig(config), auditSettingsFrom(config), today);
  const s = audit.result.summary;
  const counts = [...SEVERITIES].reverse().filter((x) => x !== 'info').map((x) => `${s.findingsBySeverity[x]} ${x}`).join(', ');
  if (audit.complete) {
    const { score, grade } = audit.result.summary.containment;
    return { text: `containment ${score} (${grade}); ${counts} findings`, complete: true };
  }
  const notRun = audit.result.notRun.checks;
  const checks = `${notRun.length} check${notRun.length === 1 ? '' : 's'}`;
  if (audit.fromBlocks) {
    const { score, grade } = audit.result.summary.containment;
    return { text: `containment ${score} (${grade}) from reach blocks (${audit.stoppedBy.summary}); ${counts} findings; ${checks} not run (${notRun.join(', ')})`, complete: false };
  }
  return { text: `not analysed (${audit.stoppedBy.summary}): policy-level checks only, ${counts} findings; ${checks} over allow sets not run`, complete: false };
}

export function runDeps(config: NetpolAuditConfig, store: HistoryStore, o: RunDepsOptions): RunCycleDeps {
  return {
    store,
    collect: () => collectConfiguredClusters(config, { ...collectOptionsFrom(config, o.now), ...(o.onProgress ? { onProgress: o.onProgress } : {}) }),
    auditLine: (snapshot) => auditLine(config, snapshot, o.now().toISOString().slice(0, 10)),
    reportClusters: async () => (config.clusters.length ? config.clusters.map((c) => c.name) : store.clusters()),
    produceReport: async (period, clusters) => {
      const r = await produceReport({ store, config, period, clusters, pdf: o.pdf, email: o.email, now: o.now(), log: o.log, ...(o.env ? { env: o.env } : {}) });
      return { status: r.status, outputDir: r.outputDir, ...(r.detail ? { detail: r.detail } : {}) };
    },
    now: o.now,
    log: o.log,
    ...(o.signal ? { signal: o.signal } : {}),
  };
}
