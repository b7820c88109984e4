/** Kubernetes label selectors (metav1.LabelSelector): matching, validation and a canonical key. */

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** A validated selector: matchLabels folded into `In` requirements, sorted, so equal selectors have equal keys. */
export interface LabelSelector {
  readonly requirements: readonly SelectorRequirement[];
  /** Canonical text, e.g. `app in (web),tier notin (db)`; empty string for the match-all selector. */
  readonly key: string;
}

export const MATCH_ALL: LabelSelector = { requirements: [], key: '' };

export function makeSelector(requirements: SelectorRequirement[]): LabelSelector {
  const reqs = requirements
    .map((r) => ({ key: r.key, operator: r.operator, values: [...new Set(r.values)].sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.operator < b.operator ? -1 : a.operator > b.operator ? 1 : 0));
  const unique: SelectorRequirement[] = [];
  const seen = new Set<string>();
  for (const r of reqs) {
    const k = requirementText(r);
    if (!seen.has(k)) {
      seen.add(k);
      unique.push(r);
    }
  }
  return { requirements: unique, key: unique.map(requirementText).join(',') };
}

function requirementText(r: SelectorRequirement): string {
  switch (r.operator) {
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
    case 'In':
      return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
    case 'NotIn':
      return `${r.key} notin (${r.values.join(',')})`;
  }
}

export function requirementMatches(r: SelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'In':
      return has && r.values.includes(labels[r.key] as string);
    case 'NotIn':
      // absent keys match NotIn (apimachinery labels.Requirement.Matches)
      return !has || !r.values.includes(labels[r.key] as string);
  }
}

export function selectorMatches(sel: LabelSelector, labels: Labels): boolean {
  for (const r of sel.requirements) if (!requirementMatches(r, labels)) return false;
  return true;
}

export function isMatchAll(sel: LabelSelector): boolean {
  return sel.requirements.length === 0;
}

/** Human-readable form for reports, `{}` for match-all. */
export function describeSelector(sel: LabelSelector): string {
  return sel.key === '' ? '{}' : sel.key;
}
