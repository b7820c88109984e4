/** Large JSON Lists are read item by item, whatever the chunk boundaries, with errors that say where. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifestFolder, STREAM_JSON_BYTES } from '../../../../src/adapters/kube/manifest-folder.js';
import { JsonStreamError, streamJsonList } from '../../../../src/adapters/kube/json-list-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'json-list-stream-'));
const write = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

// strings with braces, brackets, quotes, escapes and non-ASCII text, as label values can hold
const pods = Array.from({ length: 25 }, (_, i) => ({
  metadata: { name: `p${i}`, namespace: 'a', labels: { app: `x}{]["\\${i}`, note: 'é ü 字 "items": [' } },
  spec: { containers: [{ name: 'c', ports: [{ containerPort: 8000 + i }] }] },
  status: { podIP: `10.0.0.${i}` },
}));
const list = { apiVersion: 'v1', items: pods, kind: 'PodList', metadata: { resourceVersion: '' } };

describe('streamJsonList', () => {
  it('hands every item over and keeps the rest of the object, for any chunk size', async () => {
    const f = write('pods.json', JSON.stringify(list, null, 2));
    for (const chunkBytes of [1, 2, 3, 7, 64, 1000, 1 << 16]) {
      const got: unknown[] = [];
      const r = await streamJsonList(f, (item) => got.push(item), { chunkBytes });
      expect(got, `chunk ${chunkBytes}`).toEqual(pods);
      expect(r.items).toBe(25);
      expect(r.outer).toEqual({ apiVersion: 'v1', items: [], kind: 'PodList', metadata: { resourceVersion: '' } });
    }
  });

  it('reads a single object (no items) as the outer value', async () => {
    const f = write('one.json', JSON.stringify(pods[0]));
    const got: unknown[] = [];
    const r = await streamJsonList(f, (item) => got.push(item), { chunkBytes: 5 });
    expect(got).toEqual([]);
    expect(r.outer).toEqual(pods[0]);
  });

  it('names the item that is not valid JSON, and a truncated file', async () => {
    const bad = write('bad.json', '{"kind":"List","items":[{"a":1},{"b":tru}]}');
    await expect(streamJsonList(bad, () => {})).rejects.toThrow(/items\[1\]/);
    const cut = write('cut.json', JSON.stringify(list).slice(0, 500));
    await expect(streamJsonList(cut, () => {})).rejects.toBeInstanceOf(JsonStreamError);
    const notObject = write('num.json', '{"kind":"List","items":[1]}');
    await expect(streamJsonList(notObject, () => {})).rejects.toThrow(/items\[0\].*not an object/);
  });
});

describe('manifest folder with a JSON file above the streaming size', () => {
  it('reads it item by item, with the kind of a typed List, like a small file', async () => {
    // padding in a label value makes the file larger than the threshold without many objects
    const big = { ...list, items: pods.map((p, i) => (i === 0 ? { ...p, metadata: { ...p.metadata, annotations: { pad: 'x'.repeat(STREAM_JSON_BYTES) } } } : p)) };
    const folder = mkdtempSync(join(tmpdir(), 'manifests-big-'));
    writeFileSync(join(folder, 'pods.json'), JSON.stringify(big));
    const small = mkdtempSync(join(tmpdir(), 'manifests-small-'));
    writeFileSync(join(small, 'pods.json'), JSON.stringify(list));
    const a = await readManifestFolder(folder);
    const b = await readManifestFolder(small);
    expect(a.problems).toEqual([]);
    expect(a.objects.map((o) => (o.object as { kind: string; metadata: { name: string } }).metadata.name)).toEqual(b.objects.map((o) => (o.object as { metadata: { name: string } }).metadata.name));
    expect(a.objects.every((o) => (o.object as { kind: string }).kind === 'Pod')).toBe(true);
    expect(a.objects[3]).toEqual(b.objects[3]);
  }, 60_000);
});
