/**
 * Which namespaces an email channel sees. A channel without a filter sees everything; with one, a
 * namespace is in when its name is listed OR its labels match every listed label. A filter that lists
 * neither names nor labels sees nothing: a half-written filter must not route the whole fleet's report
 * to one team.
 */
import type { NamespaceFilter } from '../../config/netpol-audit-config.js';

export interface NamespaceIdentity {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

function hasLabelCriteria(filter: NamespaceFilter): boolean {
  return filter.labels !== undefined && Object.keys(filter.labels).length > 0;
}

export function channelSeesNamespace(filter: NamespaceFilter | undefined, ns: NamespaceIdentity): boolean {
  if (!filter) return true;
  if (filter.names?.includes(ns.name)) return true;
  if (!hasLabelCriteria(filter)) return false;
  return Object.entries(filter.labels!).every(([k, v]) => Object.prototype.hasOwnProperty.call(ns.labels, k) && ns.labels[k] === v);
}

/** The names of the namespaces a channel sees, sorted. */
export function channelNamespaces(filter: NamespaceFilter | undefined, namespaces: Iterable<NamespaceIdentity>): string[] {
  const out: string[] = [];
  for (const ns of namespaces) if (channelSeesNamespace(filter, ns)) out.push(ns.name);
  return out.sort();
}

/** Human text for the report's namespaceScope: `namespaces payments, shop or labelled team=payments`. */
export function describeNamespaceFilter(filter: NamespaceFilter | undefined): string | undefined {
  if (!filter) return undefined;
  const parts: string[] = [];
  if (filter.names?.length) parts.push(`namespace${filter.names.length === 1 ? '' : 's'} ${[...filter.names].sort().join(', ')}`);
  if (hasLabelCriteria(filter)) {
    const labels = Object.entries(filter.labels!)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`);
    parts.push(`namespaces labelled ${labels.join(', ')}`);
  }
  return parts.length ? parts.join(' or ') : 'no namespaces (empty filter)';
}
