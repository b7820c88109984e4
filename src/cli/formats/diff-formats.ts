/** Output formats of `netpol-audit diff` (connectivity section): txt, json (the conformance contract), md. */
import { connectionSetToJson, formatConnectionSet } from '../../core/model/connection-set.js';
import type { ConnectivityChange } from '../../core/diff/connectivity-diff.js';
import { mdTable } from './markdown.js';

export const DIFF_FORMATS = ['txt', 'json', 'md'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

const conns = (c: ConnectivityChange['before']) => (c ? formatConnectionSet(c) : 'No Connections');

export function connectivityChangesJson(changes: readonly ConnectivityChange[]) {
  return changes.map((c) => ({
    type: c.type,
    src: c.src,
    dst: c.dst,
    before: c.before ? connectionSetToJson(c.before) : null,
    after: c.after ? connectionSetToJson(c.after) : null,
    ...(c.workloadChange ? { workload: c.workloadChange } : {}),
  }));
}

export function formatConnectivityChangesTxt(changes: readonly ConnectivityChange[]): string {
  if (!changes.length) return 'No connectivity changes.\n';
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  return changes
    .map((c) => {
      const note = c.workloadChange ? `  (workload ${c.workloadChange.workload} ${c.workloadChange.change})` : '';
      return `${sign[c.type]} ${c.src} => ${c.dst} : ${c.type === 'changed' ? `${conns(c.before)} -> ${conns(c.after)}` : c.type === 'added' ? conns(c.after) : conns(c.before)}${note}\n`;
    })
    .join('');
}

export function formatConnectivityChangesMd(changes: readonly ConnectivityChange[]): string {
  return mdTable(
    ['Change', 'Source', 'Destination', 'Before', 'After'],
    changes.map((c) => [c.type, c.src, c.dst, conns(c.before), conns(c.after)]),
  );
}
