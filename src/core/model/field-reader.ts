/**
 * Reads untyped Kubernetes objects (parsed YAML/JSON) field by field, collecting every problem with its
 * path, so one malformed object yields a complete, specific list rather than a crash.
 */

export interface FieldProblem {
  /** Dotted path with indexes, e.g. `spec.ingress[0].from[1].ipBlock.cidr`. */
  readonly path: string;
  /** What is wrong and what was expected. */
  readonly message: string;
  /** Warnings do not stop analysis: the value is read in the documented lenient way. */
  readonly severity: 'error' | 'warning';
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json | undefined };

export class FieldReader {
  readonly problems: FieldProblem[] = [];

  fail(path: string, message: string): void {
    this.problems.push({ path, message, severity: 'error' });
  }

  warn(path: string, message: string): void {
    this.problems.push({ path, message, severity: 'warning' });
  }

  get hasErrors(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  isObject(v: unknown): v is JsonObject {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  /** An optional object field; null/absent gives undefined. */
  object(parent: JsonObject, key: string, path: string): JsonObject | undefined {
    const v = parent[key];
    if (v === undefined || v === null) return undefined;
    if (!this.isObject(v)) {
      this.fail(join(path, key), `expected an object, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** An optional list field; null/absent gives undefined (callers decide whether absent differs from []). */
  list(parent: JsonObject, key: string, path: string): Json[] | undefined {
    const v = parent[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.fail(join(path, key), `expected a list, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  string(parent: JsonObject, key: string, path: string, required = false): string | undefined {
    const v = parent[key];
    if (v === undefined || v === null) {
      if (required) this.fail(join(path, key), 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.fail(join(path, key), `expected a string, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  integer(parent: JsonObject, key: string, path: string, min: number, max: number, required = false): number | undefined {
    const v = parent[key];
    if (v === undefined || v === null) {
      if (required) this.fail(join(path, key), 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(join(path, key), `expected an integer from ${min} to ${max}, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  boolean(parent: JsonObject, key: string, path: string): boolean | undefined {
    const v = parent[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') {
      this.fail(join(path, key), `expected true or false, found ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  /** A map of string to string (labels, matchLabels). */
  stringMap(parent: JsonObject, key: string, path: string): Record<string, string> | undefined {
    const v = this.object(parent, key, path);
    if (!v) return undefined;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === 'string') out[k] = val;
      else if (typeof val === 'number' || typeof val === 'boolean') {
        // YAML turns `version: 1` or `enabled: true` into non-strings; Kubernetes would reject them
        this.fail(join(join(path, key), k), `expected a string value, found ${describe(val)} (quote it in YAML)`);
      } else this.fail(join(join(path, key), k), `expected a string value, found ${describe(val)}`);
    }
    return out;
  }

  /** Reports keys of `obj` that are not in `known`, with a suggestion for likely typos. */
  unknownKeys(obj: JsonObject, known: readonly string[], path: string): void {
    for (const k of Object.keys(obj)) {
      if (known.includes(k)) continue;
      const hint = closest(k, known);
      this.fail(join(path, k), `unknown field${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${known.join(', ')}`);
    }
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
  return `${typeof v} ${String(v)}`;
}

/** The closest candidate by edit distance (case-insensitive), when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
