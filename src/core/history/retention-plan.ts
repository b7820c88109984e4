/**
 * Which stored snapshots a retention policy deletes. Pure: the store lists, this decides, the store deletes.
 *
 * Every snapshot taken at or after `now - keepDays` is kept (and any taken after `now`). Of the older ones, the
 * newest `keepPerQuarter` per cluster and calendar quarter (UTC) are kept as evidence for quarterly reports;
 * the rest are deleted. A policy with neither setting is refused rather than read as "delete everything".
 */
import { UserError } from '../model/user-error.js';

export interface RetentionSettings {
  readonly keepDays?: number;
  readonly keepPerQuarter?: number;
  /** Only this cluster's snapshots are considered. */
  readonly cluster?: string;
}

export interface RetainedItem {
  readonly id: string;
  readonly cluster: string;
  /** ISO-8601. */
  readonly takenAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function checkCount(value: number | undefined, what: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new UserError(`${what} must be a whole number of at least 0, got ${String(value)}`);
  }
}

export function checkRetention(policy: RetentionSettings): void {
  checkCount(policy.keepDays, 'keep-days');
  checkCount(policy.keepPerQuarter, 'keep-per-quarter');
  if (policy.keepDays === undefined && policy.keepPerQuarter === undefined) {
    throw new UserError('a retention policy needs keep-days or keep-per-quarter', 'nothing is pruned without a rule saying what to keep');
  }
}

/** `2026-Q3` for a timestamp in July to September 2026 (UTC). */
export function quarterOf(takenAt: string): string {
  const d = new Date(takenAt);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** The items to delete, oldest first. */
export function planRetention<T extends RetainedItem>(items: readonly T[], policy: RetentionSettings, now: Date): T[] {
  checkRetention(policy);
  const cutoff = policy.keepDays === undefined ? Number.POSITIVE_INFINITY : now.getTime() - policy.keepDays * DAY_MS;
  const keepPerQuarter = policy.keepPerQuarter ?? 0;
  const groups = new Map<string, T[]>();
  for (const item of items) {
    if (policy.cluster !== undefined && item.cluster !== policy.cluster) continue;
    if (new Date(item.takenAt).getTime() >= cutoff) continue;
    const key = `${item.cluster}\u0000${quarterOf(item.takenAt)}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const newestFirst = (a: T, b: T) => new Date(b.takenAt).getTime() - new Date(a.takenAt).getTime() || Number(b.id) - Number(a.id);
  const doomed = [...groups.values()].flatMap((group) => group.sort(newestFirst).slice(keepPerQuarter));
  return doomed.sort((a, b) => -newestFirst(a, b));
}
