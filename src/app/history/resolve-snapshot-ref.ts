/**
 * A snapshot reference (id, `latest`, a date or a timestamp) resolved against a history store. `latest` and
 * dates need one cluster: the one given, or the only one in the store.
 */
import type { Snapshot } from '../../core/model/snapshot.js';
import { parseSnapshotRef, type SnapshotRef } from '../../core/model/snapshot-ref.js';
import { UserError } from '../../core/model/user-error.js';
import type { HistoryStore, StoredSnapshotMeta } from '../../adapters/store/history-store.js';

const LIST_HINT = 'see what is stored with `netpol-audit history list`';

async function clusterFor(store: HistoryStore, ref: string, cluster: string | undefined): Promise<string> {
  const clusters = await store.clusters();
  if (clusters.length === 0) throw new UserError(`the history store ${store.location} holds no snapshots`, 'store one with `netpol-audit snapshot`');
  if (cluster !== undefined) {
    if (!clusters.includes(cluster)) {
      throw new UserError(`the history store ${store.location} holds no snapshots of cluster "${cluster}"`, `clusters stored: ${clusters.join(', ')}`);
    }
    return cluster;
  }
  if (clusters.length > 1) {
    throw new UserError(`"${ref}" is ambiguous: the history store holds ${clusters.length} clusters (${clusters.join(', ')})`, 'pass --cluster NAME');
  }
  return clusters[0] as string;
}

export async function resolveSnapshotRef(store: HistoryStore, ref: string | SnapshotRef, cluster?: string): Promise<StoredSnapshotMeta> {
  const parsed = typeof ref === 'string' ? parseSnapshotRef(ref) : ref;
  const text = typeof ref === 'string' ? ref : parsed.kind === 'id' ? parsed.id : parsed.kind === 'latest' ? 'latest' : parsed.text;
  if (parsed.kind === 'id') {
    const meta = await store.getMeta(parsed.id);
    if (!meta) throw new UserError(`no snapshot with id ${parsed.id} in the history store ${store.location}`, LIST_HINT);
    if (cluster !== undefined && meta.cluster !== cluster) {
      throw new UserError(`snapshot ${meta.id} is of cluster "${meta.cluster}", not "${cluster}"`, `drop --cluster or pick a snapshot of "${cluster}" (${LIST_HINT})`);
    }
    return meta;
  }
  const name = await clusterFor(store, text, cluster);
  const to = parsed.kind === 'latest' ? undefined : parsed.instant;
  const [meta] = await store.listSnapshots({ cluster: name, ...(to ? { to } : {}), limit: 1 });
  if (meta) return meta;
  const [oldest] = await store.listSnapshots({ cluster: name });
  const when = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `on or before ${text} (end of that day, UTC)` : `at or before ${to}`;
  throw new UserError(
    `no snapshot of cluster "${name}" was taken ${when}`,
    oldest ? `the oldest is snapshot ${oldest.id}, taken at ${oldest.takenAt}` : LIST_HINT,
  );
}

/** Resolves a reference and loads the snapshot it names. */
export async function loadSnapshotByRef(store: HistoryStore, ref: string, cluster?: string): Promise<{ meta: StoredSnapshotMeta; snapshot: Snapshot }> {
  const meta = await resolveSnapshotRef(store, ref, cluster);
  const snapshot = await store.getSnapshot(meta.id);
  if (!snapshot) throw new UserError(`snapshot ${meta.id} was deleted (pruned) while it was being read`, 'run the command again');
  return { meta, snapshot };
}
