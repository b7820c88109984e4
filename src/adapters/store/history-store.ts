/**
 * The history of snapshots, behind one interface with two implementations: SQLite (embedded default) and
 * PostgreSQL (one central history for a fleet). Every write is one transaction; schema migrations run
 * forward automatically when a store is opened.
 */
import type { Snapshot, SnapshotSource } from '../../core/model/snapshot.js';

export interface StoredSnapshotMeta {
  /** Store-assigned id (a decimal integer as text). */
  readonly id: string;
  readonly cluster: string;
  /** ISO-8601 UTC. */
  readonly takenAt: string;
  readonly storedAt: string;
  readonly contentHash: string;
  readonly formatVersion: number;
  readonly source: SnapshotSource;
  readonly counts: {
    readonly namespaces: number;
    readonly pods: number;
    readonly networkPolicies: number;
    readonly adminNetworkPolicies: number;
    readonly baselineAdminNetworkPolicies: number;
  };
  /** Resources that failed to collect (the snapshot is partial when > 0). */
  readonly failures: number;
  /** Compressed bytes stored. */
  readonly storedBytes: number;
}

/** Every policy of a stored snapshot: NetworkPolicies, AdminNetworkPolicies and the baseline. */
export function policyCount(counts: StoredSnapshotMeta['counts']): number {
  return counts.networkPolicies + counts.adminNetworkPolicies + counts.baselineAdminNetworkPolicies;
}

/** A stored snapshot's size in words, e.g. `9 pods, 1 policy`. */
export function podsAndPolicies(counts: StoredSnapshotMeta['counts']): string {
  const policies = policyCount(counts);
  return `${counts.pods} pod${counts.pods === 1 ? '' : 's'}, ${policies} polic${policies === 1 ? 'y' : 'ies'}`;
}

export interface SnapshotFilter {
  readonly cluster?: string;
  /** Inclusive ISO-8601 bounds on takenAt. */
  readonly from?: string;
  readonly to?: string;
  /** Newest first when set; otherwise all, oldest first. */
  readonly limit?: number;
}

export interface RetentionPolicy {
  /** Keep every snapshot younger than this many days. */
  readonly keepDays?: number;
  /** Beyond keepDays, keep the newest N snapshots per cluster per calendar quarter (evidence for reports). */
  readonly keepPerQuarter?: number;
  readonly cluster?: string;
  readonly dryRun?: boolean;
}

/** A report produced for a period, so scheduled runs produce each period's report once. */
export interface ReportRecord {
  readonly id: string;
  /** e.g. `2026-Q3` or `2026-07-01..2026-09-30`. */
  readonly period: string;
  /** Sorted cluster names, comma-joined; `*` for the whole fleet. */
  readonly scope: string;
  readonly generatedAt: string;
  readonly status: 'rendered' | 'delivered' | 'delivery-failed';
  readonly outputDir: string;
  readonly detail?: string;
}

export interface CollectionFailureRecord {
  readonly cluster: string;
  /** ISO-8601 UTC of the attempt. */
  readonly attemptedAt: string;
  /** Why (never containing credentials). */
  readonly reason: string;
}

export interface HistoryStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, without any password. */
  readonly location: string;
  /** Stores a snapshot in one transaction; concurrent writers are safe. */
  saveSnapshot(snapshot: Snapshot): Promise<StoredSnapshotMeta>;
  listSnapshots(filter?: SnapshotFilter): Promise<StoredSnapshotMeta[]>;
  getSnapshot(id: string): Promise<Snapshot | undefined>;
  getMeta(id: string): Promise<StoredSnapshotMeta | undefined>;
  clusters(): Promise<string[]>;
  /** Deletes what the policy does not keep; returns what was (or, with dryRun, would be) deleted. */
  prune(policy: RetentionPolicy, now: Date): Promise<StoredSnapshotMeta[]>;
  /** A named lock with an expiry, so concurrent runs exclude each other (false when held by another owner). */
  tryLock(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;
  /** Records that collecting a cluster failed (no snapshot was stored), so reports can say why data is missing. */
  recordCollectionFailure(failure: CollectionFailureRecord): Promise<void>;
  listCollectionFailures(filter?: SnapshotFilter): Promise<CollectionFailureRecord[]>;
  saveReportRecord(record: Omit<ReportRecord, 'id'>): Promise<ReportRecord>;
  findReportRecords(period: string, scope: string): Promise<ReportRecord[]>;
  close(): Promise<void>;
}
