/**
 * Reads a folder of manifests recursively: YAML (multi-document) and JSON, single objects and List
 * dumps (`kubectl get -o yaml|json`). Syntax errors name the file and line; files that are not
 * manifests are skipped with a warning.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { SourcedObject } from '../../core/model/kube-objects.js';
import type { ObjectProblem } from '../../core/model/object-problem.js';
import { UserError } from '../../core/model/user-error.js';
import { JsonStreamError, streamJsonList } from './json-list-stream.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** JSON files above this size are streamed item by item (a 100k-pod `kubectl get -o json` exceeds V8's longest string). */
export const STREAM_JSON_BYTES = 64 * 2 ** 20;

export interface ManifestFiles {
  readonly objects: SourcedObject[];
  readonly problems: ObjectProblem[];
  readonly files: number;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() || e.isSymbolicLink()) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/**
 * Flattens `kind: List` and typed lists (`PodList`, `NamespaceList` from `kubectl get -o json`) into their
 * items; items of a typed list may omit kind and apiVersion, which the list then supplies.
 */
function flatten(origin: string, value: unknown, out: SourcedObject[]): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const kind = o['kind'];
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(o['items'])) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      for (const item of o['items']) {
        if (itemKind && item && typeof item === 'object' && !Array.isArray(item) && (item as Record<string, unknown>)['kind'] === undefined) {
          flatten(origin, { kind: itemKind, apiVersion: o['apiVersion'], ...(item as Record<string, unknown>) }, out);
        } else flatten(origin, item, out);
      }
      return;
    }
  }
  out.push({ origin, object: value });
}

export async function readManifestFolder(dir: string): Promise<ManifestFiles> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new UserError(`manifest folder ${dir} does not exist`, 'pass a folder of Kubernetes YAML/JSON manifests to --manifests');
  }
  const files = info.isDirectory() ? await listFiles(dir) : [dir];
  const objects: SourcedObject[] = [];
  const problems: ObjectProblem[] = [];
  let read = 0;
  for (const file of files) {
    const origin = info.isDirectory() ? relative(dir, file) || file : file;
    if (!MANIFEST_EXTENSIONS.has(extname(file).toLowerCase())) {
      problems.push({ severity: 'warning', origin, message: 'skipped: not a .yaml, .yml or .json file' });
      continue;
    }
    read++;
    if (extname(file).toLowerCase() === '.json' && (await stat(file)).size > STREAM_JSON_BYTES) {
      await readLargeJson(file, origin, objects, problems);
      continue;
    }
    const text = await readFile(file, 'utf8');
    if (extname(file).toLowerCase() === '.json') {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        problems.push({ severity: 'error', origin, message: `invalid JSON: ${(e as Error).message}` });
        continue;
      }
      if (Array.isArray(value)) {
        problems.push({ severity: 'warning', origin, message: 'skipped: a JSON array, not a Kubernetes object or List' });
        continue;
      }
      flatten(origin, value, objects);
      continue;
    }
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(text, { prettyErrors: true, lineCounter });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const doc of list) {
      if (doc.errors.length) {
        for (const err of doc.errors) {
          const line = err.linePos?.[0]?.line;
          problems.push({ severity: 'error', origin: line ? `${origin}:${line}` : origin, message: `invalid YAML: ${err.message.split('\n')[0]}` });
        }
        continue;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 1000 });
      if (value === null || value === undefined) continue;
      const line = doc.contents?.range ? lineCounter.linePos(doc.contents.range[0]).line : undefined;
      flatten(line ? `${origin}:${line}` : origin, value, objects);
    }
  }
  return { objects, problems, files: read };
}

/** A large JSON file, item by item; the List's kind (kubectl writes it after the items) applies at the end. */
async function readLargeJson(file: string, origin: string, objects: SourcedObject[], problems: ObjectProblem[]): Promise<void> {
  const items: unknown[] = [];
  let outer: unknown;
  try {
    outer = (await streamJsonList(file, (item) => items.push(item))).outer;
  } catch (e) {
    if (!(e instanceof JsonStreamError)) throw e;
    problems.push({ severity: 'error', origin, message: `invalid JSON: ${e.message}` });
    return;
  }
  if (outer === undefined || Array.isArray(outer) || typeof outer !== 'object' || outer === null) {
    problems.push({ severity: 'warning', origin, message: 'skipped: not a Kubernetes object or List' });
    return;
  }
  flatten(origin, items.length ? { ...(outer as Record<string, unknown>), items } : outer, objects);
}
