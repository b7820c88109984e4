/** Field-level differences between two JSON values, as `path: before -> after` entries. */

export interface FieldChange {
  /** e.g. `spec.ingress[0].ports[0].port` */
  readonly path: string;
  /** undefined: the field was absent on that side. */
  readonly before?: unknown;
  readonly after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function diffObjects(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    for (const k of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      out.push(...diffObjects(before[k], after[k], path ? `${path}.${k}` : k));
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffObjects(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  return [{ path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) }];
}

function short(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function formatFieldChange(c: FieldChange): string {
  return `${c.path}: ${short(c.before)} -> ${short(c.after)}`;
}
