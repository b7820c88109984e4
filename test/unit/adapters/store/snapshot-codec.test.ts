import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, streamedContentHash, type SnapshotRow } from '../../../../src/adapters/store/snapshot-codec.js';
import { contentHash, serialiseSnapshot } from '../../../../src/core/model/snapshot.js';
import { syntheticPod, syntheticSnapshot } from '../../../support/synthetic-snapshot.js';

const rowOf = (enc: ReturnType<typeof encodeSnapshot>): SnapshotRow => ({ ...enc.row, id: 7, stored_at: '2026-07-01T12:00:01.000Z' });

describe('snapshot codec', () => {
  it('hashes content exactly like contentHash(), without one string of all pods, even for unsorted input', () => {
    const s = syntheticSnapshot({ pods: 50 });
    expect(streamedContentHash(s)).toBe(s.contentHash);
    const shuffled = { ...s, pods: [...s.pods].reverse().map((p) => ({ ...p, ports: [...p.ports].reverse() })) };
    expect(streamedContentHash(shuffled)).toBe(contentHash(shuffled));
    expect(streamedContentHash({ ...s, pods: [] })).toBe(contentHash({ ...s, pods: [] }));
    const withOrigin = { ...s, networkPolicies: s.networkPolicies.map((p) => ({ ...p, origin: 'elsewhere.yaml' })) };
    expect(streamedContentHash(withOrigin)).toBe(s.contentHash);
  });

  it('splits pods into gzipped JSON chunks and keeps everything else in the envelope', () => {
    const s = syntheticSnapshot({ pods: 10 });
    const enc = encodeSnapshot(s, 4);
    expect(enc.chunks.map((c) => c.podCount)).toEqual([4, 4, 2]);
    expect(JSON.parse(gunzipSync(enc.chunks[2]!.data).toString())).toEqual(JSON.parse(JSON.stringify(s.pods.slice(8))));
    const envelope = JSON.parse(gunzipSync(enc.envelope).toString());
    expect(envelope.pods).toBeUndefined();
    expect(envelope.contentHash).toBe(s.contentHash);
    expect(enc.row.stored_bytes).toBe(enc.envelope.length + enc.chunks.reduce((n, c) => n + c.data.length, 0));
    expect(serialiseSnapshot(decodeSnapshot(rowOf(enc), enc.envelope, enc.chunks, 'test'))).toBe(serialiseSnapshot(s));
  });

  it('refuses to decode chunks out of order or with the wrong pod count', () => {
    const enc = encodeSnapshot(syntheticSnapshot({ pods: 10 }), 4);
    const [a, b, c] = enc.chunks as [typeof enc.chunks[0], typeof enc.chunks[0], typeof enc.chunks[0]];
    expect(() => decodeSnapshot(rowOf(enc), enc.envelope, [a, c, b], 'test')).toThrow(/pod chunk 1 is missing/);
    expect(() => decodeSnapshot(rowOf(enc), enc.envelope, [a, b, { ...c, podCount: 3 }], 'test')).toThrow(/pod chunk 2 does not hold the 3 pods/);
    expect(() => decodeSnapshot({ ...rowOf(enc), pod_count: 11 }, enc.envelope, enc.chunks, 'test')).toThrow(/10 pods found, 11 expected/);
  });

  it('verifies the content hash on the stored bytes, falling back to a recomputation for unnormalised pods', () => {
    const s = syntheticSnapshot({ pods: 10 });
    const verified: string[] = [];
    const enc = encodeSnapshot(s, 4);
    expect(serialiseSnapshot(decodeSnapshot(rowOf(enc), enc.envelope, enc.chunks, 'test', (how) => verified.push(how)))).toBe(serialiseSnapshot(s));
    // a snapshot whose pods are not in normalised order and form (same content, same hash) is stored as given
    const shuffled = { ...s, pods: [...s.pods].reverse().map((p) => ({ ...p, ports: [...p.ports].reverse() })) };
    const encShuffled = encodeSnapshot(shuffled, 4);
    expect(decodeSnapshot(rowOf(encShuffled), encShuffled.envelope, encShuffled.chunks, 'test', (how) => verified.push(how)).pods).toEqual(shuffled.pods);
    // no pods at all
    const empty = syntheticSnapshot({ pods: 0 });
    const encEmpty = encodeSnapshot(empty, 4);
    expect(encEmpty.chunks).toHaveLength(0);
    decodeSnapshot(rowOf(encEmpty), encEmpty.envelope, encEmpty.chunks, 'test', (how) => verified.push(how));
    expect(verified).toEqual(['stored-bytes', 'recomputed', 'stored-bytes']);
  });

  it('finds a pod chunk whose JSON is valid but whose content was changed', () => {
    const enc = encodeSnapshot(syntheticSnapshot({ pods: 10 }), 4);
    const pods = JSON.parse(gunzipSync(enc.chunks[1]!.data).toString()) as { labels: Record<string, string> }[];
    pods[0]!.labels = { ...pods[0]!.labels, app: 'tampered' };
    const chunks = enc.chunks.map((c, i) => (i === 1 ? { ...c, data: gzipSync(JSON.stringify(pods)) } : c));
    expect(() => decodeSnapshot(rowOf(enc), enc.envelope, chunks, 'test')).toThrow(/is corrupt: its content hashes to [0-9a-f]{64}, but [0-9a-f]{64} was stored/);
  });

  it('checks the snapshot before storing it', () => {
    const s = syntheticSnapshot({ pods: 2 });
    expect(() => encodeSnapshot({ ...s, pods: [...s.pods, syntheticPod(99)] })).toThrow(/does not match its content/);
    expect(() => encodeSnapshot({ ...s, cluster: ' ' })).toThrow(/the cluster name is empty/);
    expect(() => encodeSnapshot({ ...s, format: 'other' as never })).toThrow(/has format "other", expected "netpol-audit\/snapshot"/);
  });
});
