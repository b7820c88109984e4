/** Output formats of `netpol-audit connectivity`: txt, json (the conformance contract), csv, md. */
import { connectionSetToJson, formatConnectionSet, PROTOCOLS, type ConnectionSet } from '../../core/model/connection-set.js';
import { formatRange } from '../../core/model/ip-address.js';
import { parseWorkloadKey } from '../../core/model/workload.js';
import type { WorkloadConnectivity } from '../../core/engine/workload-connectivity.js';
import { csvTable } from './csv.js';
import { mdTable } from './markdown.js';

export const CONNECTIVITY_FORMATS = ['txt', 'json', 'csv', 'md'] as const;
export type ConnectivityFormat = (typeof CONNECTIVITY_FORMATS)[number];

interface Row {
  src: string;
  dst: string;
  conns: ConnectionSet;
  external: '' | 'egress' | 'ingress';
}

/** All rows, pod-to-pod and external, sorted by source then destination. */
export function connectivityRows(c: WorkloadConnectivity): Row[] {
  const rows: Row[] = c.connections.map((x) => ({ src: x.src, dst: x.dst, conns: x.conns, external: '' }));
  for (const e of c.external) {
    const range = formatRange(e.range);
    rows.push(
      e.direction === 'egress'
        ? { src: e.workload, dst: range, conns: e.conns, external: 'egress' }
        : { src: range, dst: e.workload, conns: e.conns, external: 'ingress' },
    );
  }
  return rows.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

export function formatConnectivity(c: WorkloadConnectivity, format: ConnectivityFormat): string {
  const rows = connectivityRows(c);
  switch (format) {
    case 'json':
      return `${JSON.stringify({ connections: rows.map((r) => ({ src: r.src, dst: r.dst, conns: connectionSetToJson(r.conns) })) }, null, 2)}\n`;
    case 'txt':
      return rows.map((r) => `${r.src} => ${r.dst} : ${formatConnectionSet(r.conns)}\n`).join('');
    case 'md':
      return mdTable(
        ['Source', 'Destination', 'Connections'],
        rows.map((r) => [r.src, r.dst, formatConnectionSet(r.conns)]),
      );
    case 'csv':
      return csvTable(
        ['source', 'source_namespace', 'source_workload', 'source_kind', 'destination', 'destination_namespace', 'destination_workload', 'destination_kind', 'external', 'protocol', 'ports', 'all_connections'],
        (function* () {
          for (const r of rows) {
            const s = parseWorkloadKey(r.src);
            const d = parseWorkloadKey(r.dst);
            const all = formatConnectionSet(r.conns) === 'All Connections';
            for (const p of PROTOCOLS) {
              const ranges = r.conns[p];
              if (!ranges?.length) continue;
              yield [
                r.src, s?.namespace ?? '', s?.name ?? '', s?.kind ?? 'External',
                r.dst, d?.namespace ?? '', d?.name ?? '', d?.kind ?? 'External',
                r.external, p, ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(' '), all ? 'yes' : 'no',
              ];
            }
          }
        })(),
      );
  }
}
