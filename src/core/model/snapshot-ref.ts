/**
 * Snapshot references as users type them: an id (`42`), `latest`, a date (`2026-09-30`: the newest
 * snapshot taken on or before the end of that day, UTC) or a timestamp (`2026-09-30T12:00:00Z`: the newest
 * at or before it).
 */
import { UserError } from './user-error.js';

export type SnapshotRef =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'latest' }
  | { readonly kind: 'at-or-before'; readonly instant: string; readonly text: string };

export function parseSnapshotRef(text: string): SnapshotRef {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { kind: 'id', id: String(Number(t)) };
  if (t === 'latest') return { kind: 'latest' };
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const d = new Date(`${t}T23:59:59.999Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(t)) return { kind: 'at-or-before', instant: d.toISOString(), text: t };
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
    const d = new Date(t);
    if (!Number.isNaN(d.getTime())) return { kind: 'at-or-before', instant: d.toISOString(), text: t };
  }
  throw new UserError(`"${text}" is not a snapshot reference`, 'use an id (see `netpol-audit history list`), "latest", a date like 2026-09-30, or an ISO-8601 timestamp');
}
