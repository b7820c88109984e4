import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromManifests } from '../../../../src/app/manifest-snapshot.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'npa-manifests-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const load = (files: Record<string, string>) => snapshotFromManifests(folder(files), { takenAt: '2026-01-01T00:00:00.000Z' });

describe('manifest folder loader', () => {
  it('reads nested folders, multi-document YAML, JSON and List dumps (typed items without kind)', async () => {
    const { snapshot, problems } = await load({
      'a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: one}\nspec: {containers: []}\n',
      'nested/deeper/b.yml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p2, namespace: two}\n  spec: {containers: []}\n',
      'c.json': JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'p3', namespace: 'three' }, spec: { containers: [] } }] }),
    });
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(snapshot.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['one/p1', 'three/p3', 'two/p2']);
    // namespaces referenced but not declared exist implicitly
    expect(snapshot.namespaces.map((n) => [n.name, Boolean(n.implicit)])).toEqual([['one', false], ['three', true], ['two', true]]);
  });

  it('skips other kinds and non-manifest files with warnings naming them', async () => {
    const { problems } = await load({
      'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n',
      'README.md': '# notes',
      'output.json': '[1, 2]',
      'values.yaml': 'replicaCount: 3\n',
    });
    const text = problems.map((p) => `${p.severity} ${p.origin ?? ''} ${p.message}`);
    expect(text).toEqual(expect.arrayContaining([
      expect.stringMatching(/^warning README\.md skipped: not a \.yaml, \.yml or \.json file/),
      expect.stringMatching(/^warning output\.json skipped: a JSON array/),
      expect.stringMatching(/^warning values\.yaml:1 skipped: not a Kubernetes object/),
      expect.stringMatching(/skipped 1 object of kind Service \(v1\)/),
    ]));
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
  });

  it('reports YAML and JSON syntax errors with file and line, as errors', async () => {
    const { problems } = await load({ 'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n', 'bad.json': '{"kind": ' });
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((e) => e.origin)).toEqual(expect.arrayContaining([expect.stringMatching(/^bad\.yaml:\d+$/), 'bad.json']));
    expect(errors.find((e) => e.origin === 'bad.json')?.message).toMatch(/invalid JSON/);
  });

  it('names file, object and field of a malformed object', async () => {
    const { problems } = await load({
      'pods.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: x\n  labels: {version: 2}\nspec: {containers: []}\n',
    });
    expect(problems).toContainEqual(expect.objectContaining({ severity: 'error', origin: 'pods.yaml:1', object: 'Pod x/p', field: 'metadata.labels.version' }));
  });

  it('keeps the first of duplicate objects and warns about the copy', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: x}\nspec: {containers: []}\n';
    const { snapshot, problems } = await load({ 'a.yaml': pod, 'b.yaml': pod });
    expect(snapshot.pods).toHaveLength(1);
    expect(problems).toContainEqual(expect.objectContaining({ severity: 'warning', origin: 'b.yaml:1', message: expect.stringMatching(/duplicate of the object in a\.yaml/) }));
  });

  it('gives equal bytes and hashes for equal content regardless of file layout', async () => {
    const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {b: "2", a: "1"}}\n';
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec: {containers: []}\n';
    const one = await load({ 'all.yaml': `${ns}---\n${pod}` });
    const two = await load({ 'z/pod.yaml': pod, 'a/ns.yaml': ns });
    expect(one.snapshot.contentHash).toBe(two.snapshot.contentHash);
  });

  it('fails with a clear message for a folder that does not exist', async () => {
    await expect(snapshotFromManifests('/nonexistent/folder', { takenAt: '2026-01-01T00:00:00Z' })).rejects.toThrow(/manifest folder \/nonexistent\/folder does not exist/);
  });
});
