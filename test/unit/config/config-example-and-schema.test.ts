/**
 * The committed example documents every option and is valid; the committed JSON Schema is what the generator
 * (`npm run config:schema`) produces from the zod schema.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, type Scalar } from 'yaml';
import { z } from 'zod';
import { configFileSchema, configJsonSchemaText } from '../../../src/config/config-schema.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { tempDir } from './config-test-files.js';

const EXAMPLE = 'config/netpol-audit.example.yaml';
const SCHEMA = 'config/netpol-audit.schema.json';
// the example's secrets are where config/deploy mounts them
const SECRET_DIR = '/etc/netpol-audit/';

interface Leaf {
  /** `email.smtp.host`, `clusters[].name`; a mapping of free keys (audit.severities) is one leaf. */
  readonly path: string;
  readonly hasDefault: boolean;
}

function leaves(schema: z.core.$ZodType, path: string, out: Leaf[], hasDefault = false): Leaf[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const inner = def['innerType'] as z.core.$ZodType;
  if (def.type === 'default' || def.type === 'prefault') return leaves(inner, path, out, true);
  if (def.type === 'optional' || def.type === 'nullable') return leaves(inner, path, out, hasDefault);
  if (def.type === 'union') {
    const options = def['options'] as z.core.$ZodType[];
    const objects = options.filter((o) => o._zod.def.type === 'object');
    for (const o of objects) leaves(o, path, out);
    if (objects.length < options.length) out.push({ path, hasDefault });
    return out;
  }
  if (def.type === 'object') {
    for (const [k, v] of Object.entries(def['shape'] as Record<string, z.core.$ZodType>)) leaves(v, path ? `${path}.${k}` : k, out);
    return out;
  }
  if (def.type === 'array' && (def['element'] as z.core.$ZodType)._zod.def.type === 'object') return leaves(def['element'] as z.core.$ZodType, `${path}[]`, out);
  out.push({ path, hasDefault });
  return out;
}

/** The offset of the first key at `path` in the example ([] = the first item of the list that has the rest). */
function keyOffset(node: unknown, path: readonly string[]): number | undefined {
  if (!isMap(node)) return undefined;
  const [head, ...rest] = path as [string, ...string[]];
  const name = head.replace(/\[\]$/, '');
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === name);
  if (!pair) return undefined;
  if (rest.length === 0) return (pair.key as Scalar).range?.[0];
  if (head.endsWith('[]')) {
    if (!isSeq(pair.value)) return undefined;
    for (const item of pair.value.items) {
      const found = keyOffset(item, rest);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return keyOffset(pair.value, rest);
}

/** Whether `path` (with [] for "some item of the list") is set in the parsed example. */
function present(value: unknown, path: string[]): boolean {
  if (path.length === 0) return value !== undefined;
  const [head, ...rest] = path as [string, ...string[]];
  if (head.endsWith('[]')) {
    const list = (value as Record<string, unknown> | undefined)?.[head.slice(0, -2)];
    return Array.isArray(list) && list.some((item) => present(item, rest));
  }
  if (value === null || typeof value !== 'object') return false;
  return present((value as Record<string, unknown>)[head], rest);
}

describe('config/netpol-audit.example.yaml', () => {
  const text = readFileSync(EXAMPLE, 'utf8');

  it('loads and validates, with its secret files in place', async () => {
    const dir = tempDir();
    const file = join(dir, 'netpol-audit.yaml');
    writeFileSync(file, text.replaceAll(SECRET_DIR, `${dir}/`));
    mkdirSync(join(dir, 'store'));
    mkdirSync(join(dir, 'smtp'));
    writeFileSync(join(dir, 'store/url'), 'postgres://netpol:db-secret@db.example.com:5432/netpol\n');
    writeFileSync(join(dir, 'smtp/password'), 'smtp-secret\n');
    const config = await loadConfig({ path: file, env: {} });
    expect(config.clusters.map((c) => c.name)).toEqual(['prod-eu', 'ops', 'staging-gitops']);
    expect(config.store).toBe('postgres://netpol:db-secret@db.example.com:5432/netpol');
    expect(config.email.smtp?.password).toBe('smtp-secret');
    expect(config.email.channels.map((c) => [c.name, c.namespaces ?? 'all'])).toEqual([
      ['security', 'all'],
      ['payments', { names: ['payments', 'payments-batch'] }],
      ['platform', { labels: { team: 'platform' } }],
    ]);
    expect(config.schedule.timezone).toBe('Europe/Berlin');
    expect(config.audit.exceptions.length).toBeGreaterThanOrEqual(3);
  });

  it('shows every option of the schema, set or as a commented-out alternative', () => {
    const example = parse(text) as unknown;
    const commented = new Set([...text.matchAll(/^\s*#\s*([A-Za-z]+):/gm)].map((m) => m[1]!));
    const all = leaves(configFileSchema, '', []);
    expect(all.length).toBeGreaterThan(60);
    const undocumented = all.filter(({ path }) => {
      if (present(example, path.split('.'))) return false;
      const key = path.split('.').pop()!.replace('[]', '');
      return !commented.has(key);
    });
    expect(undocumented).toEqual([]);
  });

  it('comments the first use of every option, and gives the default of each that has one', () => {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter });
    const lines = text.split('\n');
    const uncommented: string[] = [];
    const noDefault: string[] = [];
    for (const leaf of leaves(configFileSchema, '', [])) {
      const offset = keyOffset(doc.contents, leaf.path.split('.'));
      if (offset === undefined) continue; // a commented-out alternative (the test above)
      const line = lineCounter.linePos(offset).line; // 1-based
      const block: string[] = [];
      for (let i = line - 2; i >= 0 && /^\s*(-\s*)?#/.test(lines[i]!); i--) block.unshift(lines[i]!);
      if (block.length === 0) uncommented.push(leaf.path);
      else if (leaf.hasDefault && !block.join(' ').includes('Default:')) noDefault.push(leaf.path);
    }
    expect(uncommented).toEqual([]);
    expect(noDefault).toEqual([]);
  });
});

describe('config/netpol-audit.schema.json', () => {
  it('is what `npm run config:schema` generates (run it after changing the schema)', () => {
    expect(readFileSync(SCHEMA, 'utf8')).toBe(configJsonSchemaText());
  });

  it('is a draft-07 schema that closes every section to unknown keys', () => {
    const schema = JSON.parse(configJsonSchemaText()) as { $schema: string; additionalProperties: boolean; properties: Record<string, { additionalProperties?: unknown }> };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    for (const section of ['collection', 'engine', 'audit', 'report', 'email', 'schedule', 'logging']) expect(schema.properties[section]!.additionalProperties).toBe(false);
  });
});

describe('docs/configuration.md', () => {
  it('has a table row for every option of the schema', () => {
    const docs = readFileSync('docs/configuration.md', 'utf8');
    const rows = new Set([...docs.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
    expect(leaves(configFileSchema, '', []).map((l) => l.path).filter((p) => !rows.has(p))).toEqual([]);
  });
});
