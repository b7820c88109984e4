/**
 * How a snapshot becomes stored rows and back: an envelope (everything but the pods: metadata, namespaces,
 * policies, nodes) gzipped as canonical JSON, plus the pods in chunks of a few thousand, each a gzipped JSON
 * array, so a 100k-pod snapshot is never one giant string. Reading reassembles an identical snapshot and checks
 * it against the stored content hash.
 */
import { createHash, type Hash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { canonicalJson } from '../../core/model/canonical-json.js';
import {
  normaliseContent,
  SNAPSHOT_FORMAT,
  SNAPSHOT_FORMAT_VERSION,
  type Snapshot,
  type SnapshotContent,
  type SnapshotPod,
  type SnapshotPolicy,
  type SnapshotSource,
} from '../../core/model/snapshot.js';
import { EnvironmentError, UserError } from '../../core/model/user-error.js';
import type { StoredSnapshotMeta } from './history-store.js';
import { isoInstant } from './iso-instant.js';

export const DEFAULT_PODS_PER_CHUNK = 5_000;

/** The columns of a `snapshots` row, as both dialects return them (PostgreSQL gives BIGINT as text). */
export interface SnapshotRow {
  readonly id: number | string;
  readonly cluster: string;
  readonly taken_at: string;
  readonly stored_at: string;
  readonly content_hash: string;
  readonly format_version: number;
  readonly source: string;
  readonly namespace_count: number;
  readonly pod_count: number;
  readonly network_policy_count: number;
  readonly admin_network_policy_count: number;
  readonly baseline_admin_network_policy_count: number;
  readonly failure_count: number;
  readonly stored_bytes: number | string;
  readonly chunk_count: number;
}

export const SNAPSHOT_META_COLUMNS =
  'id, cluster, taken_at, stored_at, content_hash, format_version, source, namespace_count, pod_count, network_policy_count, ' +
  'admin_network_policy_count, baseline_admin_network_policy_count, failure_count, stored_bytes, chunk_count';

export interface PodChunk {
  readonly seq: number;
  readonly podCount: number;
  readonly data: Buffer;
}

export interface EncodedSnapshot {
  /** The row without id and stored_at, which the store assigns. */
  readonly row: Omit<SnapshotRow, 'id' | 'stored_at'>;
  readonly envelope: Buffer;
  readonly chunks: readonly PodChunk[];
}

export function describeSnapshot(s: { cluster: string; takenAt: string }): string {
  return `the snapshot of cluster "${s.cluster}" taken at ${s.takenAt}`;
}

/**
 * The content hash of `contentHash()` in core/model/snapshot.ts, computed without building the canonical JSON
 * of all pods as one string: the same bytes are fed to the hash piece by piece (keys in canonical order).
 */
export function streamedContentHash(content: SnapshotContent): string {
  const hash = hashBeforePods(content);
  const pods = normaliseContent({ ...EMPTY_CONTENT, pods: content.pods }).pods;
  pods.forEach((pod, i) => hash.update(i === 0 ? canonicalJson(pod) : `,${canonicalJson(pod)}`));
  hash.update(']}');
  return hash.digest('hex');
}

const EMPTY_CONTENT: SnapshotContent = { namespaces: [], pods: [], networkPolicies: [], adminNetworkPolicies: [], baselineAdminNetworkPolicies: [], nodes: [] };

/** A content hash fed with everything that comes before the pods' canonical JSON (keys in canonical order). */
function hashBeforePods(content: Omit<SnapshotContent, 'pods'>): Hash {
  const n = normaliseContent({ ...content, pods: [] });
  const strip = (list: readonly SnapshotPolicy[]) => list.map(({ origin: _origin, ...rest }) => rest);
  const hash = createHash('sha256');
  hash.update(`{"adminNetworkPolicies":${canonicalJson(strip(n.adminNetworkPolicies))}`);
  hash.update(`,"baselineAdminNetworkPolicies":${canonicalJson(strip(n.baselineAdminNetworkPolicies))}`);
  hash.update(`,"namespaces":${canonicalJson(n.namespaces)}`);
  hash.update(`,"networkPolicies":${canonicalJson(strip(n.networkPolicies))}`);
  hash.update(`,"nodes":${canonicalJson(n.nodes)}`);
  hash.update(',"pods":[');
  return hash;
}

/** Checks a snapshot before it is stored (bad input never reaches the history) and encodes it. */
export function encodeSnapshot(snapshot: Snapshot, podsPerChunk: number = DEFAULT_PODS_PER_CHUNK): EncodedSnapshot {
  const what = describeSnapshot(snapshot);
  if (snapshot.format !== SNAPSHOT_FORMAT) throw new UserError(`${what} has format "${String(snapshot.format)}", expected "${SNAPSHOT_FORMAT}"`);
  if (!Number.isInteger(snapshot.formatVersion) || snapshot.formatVersion < 1 || snapshot.formatVersion > SNAPSHOT_FORMAT_VERSION) {
    throw new UserError(`${what} has format version ${String(snapshot.formatVersion)}; this netpol-audit stores versions 1 to ${SNAPSHOT_FORMAT_VERSION}`);
  }
  if (typeof snapshot.cluster !== 'string' || snapshot.cluster.trim() === '') throw new UserError(`${what}: the cluster name is empty`);
  const takenAt = isoInstant(snapshot.takenAt, `${what}: takenAt`);
  const actual = streamedContentHash(snapshot);
  if (actual !== snapshot.contentHash) {
    throw new UserError(
      `${what}: its contentHash ${snapshot.contentHash} does not match its content (${actual}); it was not stored`,
      'snapshots must not be edited after they are made; take a new one',
    );
  }
  const { pods, ...rest } = snapshot;
  const envelope = gzipSync(canonicalJson(rest));
  const chunks: PodChunk[] = [];
  for (let start = 0, seq = 0; start < pods.length; start += podsPerChunk, seq++) {
    const slice = pods.slice(start, start + podsPerChunk);
    chunks.push({ seq, podCount: slice.length, data: gzipSync(canonicalJson(slice)) });
  }
  return {
    row: {
      cluster: snapshot.cluster,
      taken_at: takenAt,
      content_hash: snapshot.contentHash,
      format_version: snapshot.formatVersion,
      source: canonicalJson(snapshot.source),
      namespace_count: snapshot.namespaces.length,
      pod_count: pods.length,
      network_policy_count: snapshot.networkPolicies.length,
      admin_network_policy_count: snapshot.adminNetworkPolicies.length,
      baseline_admin_network_policy_count: snapshot.baselineAdminNetworkPolicies.length,
      failure_count: snapshot.failures.length,
      stored_bytes: envelope.length + chunks.reduce((sum, c) => sum + c.data.length, 0),
      chunk_count: chunks.length,
    },
    envelope,
    chunks,
  };
}

export function metaFromRow(row: SnapshotRow): StoredSnapshotMeta {
  return {
    id: String(row.id),
    cluster: row.cluster,
    takenAt: row.taken_at,
    storedAt: row.stored_at,
    contentHash: row.content_hash,
    formatVersion: Number(row.format_version),
    source: JSON.parse(row.source) as SnapshotSource,
    counts: {
      namespaces: Number(row.namespace_count),
      pods: Number(row.pod_count),
      networkPolicies: Number(row.network_policy_count),
      adminNetworkPolicies: Number(row.admin_network_policy_count),
      baselineAdminNetworkPolicies: Number(row.baseline_admin_network_policy_count),
    },
    failures: Number(row.failure_count),
    storedBytes: Number(row.stored_bytes),
  };
}

/**
 * Reassembles a stored snapshot; anything that does not add up is an EnvironmentError naming the snapshot.
 *
 * The content hash is checked on the stored bytes: pod chunks written by encodeSnapshot from a normalised
 * snapshot are, between their brackets, exactly the canonical JSON the hash was computed over, so the hash
 * is fed the chunk texts as they are unzipped (no re-serialising of the pods). Only when that does not match
 * (pods stored in another order or form by a snapshot that was not normalised) is the content normalised
 * and hashed again, and only a mismatch then is corruption.
 */
export function decodeSnapshot(
  row: SnapshotRow,
  envelope: Buffer,
  chunks: readonly PodChunk[],
  location: string,
  /** Told how the content hash was verified (for tests). */
  onVerified?: (how: 'stored-bytes' | 'recomputed') => void,
): Snapshot {
  const corrupt = (detail: string) =>
    new EnvironmentError(
      `snapshot ${String(row.id)} (cluster "${row.cluster}", taken at ${row.taken_at}) in ${location} is corrupt: ${detail}`,
      'restore the history store from a backup (see docs/history-store.md); other snapshots are not affected',
    );
  const unzip = (data: Buffer, what: string): string => {
    try {
      return gunzipSync(data).toString('utf8');
    } catch (e) {
      throw corrupt(`its ${what} cannot be read (${(e as Error).message})`);
    }
  };
  const parse = (text: string, what: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw corrupt(`its ${what} cannot be read (${(e as Error).message})`);
    }
  };
  const rest = parse(unzip(envelope, 'envelope'), 'envelope');
  if (!rest || typeof rest !== 'object' || Array.isArray(rest)) throw corrupt('its envelope is not a JSON object');
  if (chunks.length !== Number(row.chunk_count)) throw corrupt(`${chunks.length} pod chunks found, ${row.chunk_count} expected`);
  const malformed = (e: unknown) => corrupt(`its content is malformed (${(e as Error).message})`);
  let storedBytesHash: Hash;
  try {
    storedBytesHash = hashBeforePods(rest as Omit<SnapshotContent, 'pods'>);
  } catch (e) {
    throw malformed(e);
  }
  let hashedPods = 0;
  const pods: SnapshotPod[] = [];
  chunks.forEach((chunk, i) => {
    if (chunk.seq !== i) throw corrupt(`pod chunk ${i} is missing`);
    const text = unzip(chunk.data, `pod chunk ${i}`);
    const list = parse(text, `pod chunk ${i}`);
    if (!Array.isArray(list) || list.length !== chunk.podCount) throw corrupt(`pod chunk ${i} does not hold the ${chunk.podCount} pods recorded for it`);
    if (list.length) {
      if (hashedPods) storedBytesHash.update(',');
      storedBytesHash.update(text.slice(1, -1));
      hashedPods += list.length;
    }
    for (const pod of list) pods.push(pod as SnapshotPod);
  });
  if (pods.length !== Number(row.pod_count)) throw corrupt(`${pods.length} pods found, ${row.pod_count} expected`);
  const snapshot = { ...(rest as Omit<Snapshot, 'pods'>), pods } as Snapshot;
  if (snapshot.contentHash !== row.content_hash) throw corrupt(`its envelope names content hash ${String(snapshot.contentHash)}, the row ${row.content_hash}`);
  storedBytesHash.update(']}');
  if (storedBytesHash.digest('hex') === row.content_hash) {
    onVerified?.('stored-bytes');
    return snapshot;
  }
  let actual: string;
  try {
    actual = streamedContentHash(snapshot);
  } catch (e) {
    throw malformed(e);
  }
  if (actual !== row.content_hash) throw corrupt(`its content hashes to ${actual}, but ${row.content_hash} was stored`);
  onVerified?.('recomputed');
  return snapshot;
}
