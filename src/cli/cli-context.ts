/** What commands get from the outside world: output streams, the clock, and access to the history store. */
import type { NetpolAuditConfig } from '../config/netpol-audit-config.js';
import type { AuditSettings } from '../core/findings/audit-settings.js';
import type { PreviousPeriodCounts } from '../core/findings/check.js';
import type { Snapshot } from '../core/model/snapshot.js';
import type { Reporter } from './console-reporter.js';

export interface CliContext {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  now(): Date;
  /** Loads a stored snapshot by reference (id, latest, or date) from the store given by options/env/config. */
  loadStoredSnapshot(opts: Record<string, unknown>, ref: string, reporter: Reporter): Promise<Snapshot>;
  /** The configuration (--config, else $NETPOL_AUDIT_CONFIG, else ./netpol-audit.yaml, else defaults); loaded once per file. */
  loadConfig(opts: Record<string, unknown>): Promise<NetpolAuditConfig>;
  /** Audit settings from the configuration (--config, $NETPOL_AUDIT_CONFIG), or the defaults. */
  loadAuditSettings(opts: Record<string, unknown>): Promise<AuditSettings>;
  /** Policy counts of the newest stored snapshot of the same cluster before the snapshot's quarter, if any. */
  previousPeriodCounts(opts: Record<string, unknown>, snapshot: Snapshot): Promise<PreviousPeriodCounts | undefined>;
}
