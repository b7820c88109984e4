/** Reads metav1.LabelSelector fields with validation. */
import { FieldReader, join, type JsonObject } from './field-reader.js';
import { makeSelector, type LabelSelector, type SelectorOperator, type SelectorRequirement } from './label-selector.js';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Reads the selector at parent[key]; absent gives undefined, `{}` gives match-all. */
export function readSelector(r: FieldReader, parent: JsonObject, key: string, path: string): LabelSelector | undefined {
  const obj = r.object(parent, key, path);
  if (!obj) return undefined;
  return readSelectorObject(r, obj, join(path, key));
}

export function readSelectorObject(r: FieldReader, obj: JsonObject, path: string): LabelSelector {
  r.unknownKeys(obj, ['matchLabels', 'matchExpressions'], path);
  const reqs: SelectorRequirement[] = [];
  const labels = r.stringMap(obj, 'matchLabels', path) ?? {};
  for (const [k, v] of Object.entries(labels)) reqs.push({ key: k, operator: 'In', values: [v] });
  const exprs = r.list(obj, 'matchExpressions', path) ?? [];
  exprs.forEach((e, i) => {
    const p = join(join(path, 'matchExpressions'), i);
    if (!r.isObject(e)) {
      r.fail(p, 'expected an object with key, operator and values');
      return;
    }
    r.unknownKeys(e, ['key', 'operator', 'values'], p);
    const key = r.string(e, 'key', p, true);
    const op = r.string(e, 'operator', p, true);
    const rawValues = r.list(e, 'values', p) ?? [];
    const values: string[] = [];
    rawValues.forEach((v, j) => {
      if (typeof v === 'string') values.push(v);
      else r.fail(join(join(p, 'values'), j), `expected a string, found ${JSON.stringify(v)} (quote it in YAML)`);
    });
    if (op !== undefined && !OPERATORS.includes(op as SelectorOperator)) {
      r.fail(join(p, 'operator'), `"${op}" is not an operator; expected one of ${OPERATORS.join(', ')}`);
      return;
    }
    if (key === undefined || op === undefined) return;
    const operator = op as SelectorOperator;
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      r.fail(join(p, 'values'), `must be non-empty when operator is ${operator}`);
      return;
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && rawValues.length > 0) {
      r.fail(join(p, 'values'), `must be empty when operator is ${operator}`);
      return;
    }
    reqs.push({ key, operator, values });
  });
  return makeSelector(reqs);
}
