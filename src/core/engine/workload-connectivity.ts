/**
 * Connectivity aggregated to workloads (`namespace/name[Kind]`): which workload may open connections to
 * which, and to/from which external address ranges, on which protocols and ports. A workload's
 * connections are the union over its pods; a workload's traffic to itself is not listed.
 */
import { AllowMap } from './allow-map.js';
import type { ClusterAnalysis, PolicyAnalysis } from './analyse-cluster.js';
import type { PortSetId, PortSpace } from './port-space.js';
import type { ConnectionSet } from '../model/connection-set.js';
import type { AddressRange } from '../model/ip-address.js';

export interface WorkloadConnection {
  readonly src: string;
  readonly dst: string;
  readonly conns: ConnectionSet;
}

export interface ExternalConnection {
  readonly workload: string;
  /** egress: workload => range; ingress: range => workload. */
  readonly direction: 'egress' | 'ingress';
  readonly range: AddressRange;
  readonly conns: ConnectionSet;
}

export interface WorkloadConnectivity {
  readonly workloads: readonly string[];
  readonly connections: readonly WorkloadConnection[];
  readonly external: readonly ExternalConnection[];
}

/** Workload key -> classes holding its pods. */
export function workloadClasses(analysis: PolicyAnalysis): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of analysis.classes) {
    for (const w of c.workloads) {
      const list = out.get(w);
      if (list) list.push(c.id);
      else out.set(w, [c.id]);
    }
  }
  return out;
}

/** Pod-to-pod connections of one source workload, as destination workload -> port set id. */
export function workloadReach(analysis: ClusterAnalysis, classIds: readonly number[], self?: string): Map<string, PortSetId> {
  const space = analysis.ports;
  const out = new Map<string, PortSetId>();
  for (const a of classIds) {
    for (const seg of analysis.reach[a]!.segments) {
      seg.peers.forEach((b) => {
        for (const w of analysis.classes[b]!.workloads) {
          if (w === self) continue;
          const prev = out.get(w);
          out.set(w, prev === undefined ? seg.ports : space.union(prev, seg.ports));
        }
      });
    }
  }
  return out;
}

/** External allow map (address atoms only) of a workload in one direction, united over its classes. */
export function workloadExternal(analysis: ClusterAnalysis, classIds: readonly number[], direction: 'egress' | 'ingress'): AllowMap {
  const space = analysis.ports;
  let m = AllowMap.EMPTY;
  for (const c of classIds) {
    const cov = direction === 'egress' ? analysis.egress[c]! : analysis.ingress[c]!;
    m = m.union(cov.allow.restrict(analysis.compiler.allExternal, space), space);
  }
  return m;
}

export function workloadConnectivity(analysis: ClusterAnalysis): WorkloadConnectivity {
  return assembleConnectivity(analysis, {
    reach: (w, ids) => workloadReach(analysis, ids, w),
    external: (ids, direction) => workloadExternal(analysis, ids, direction),
  });
}

/** What a listing reads per workload (its key and classes), from whichever engine computed it. */
export interface WorkloadConnectivitySource {
  /** Pod-to-pod connections of one source workload: destination workload -> port set (itself left out). */
  reach(workload: string, classIds: readonly number[]): ReadonlyMap<string, PortSetId>;
  /** The workload's external allow map (address atoms only) in one direction. */
  external(classIds: readonly number[], direction: 'egress' | 'ingress'): AllowMap;
}

/** The listing, workload by workload in key order, destinations and ranges sorted. */
export function assembleConnectivity(base: PolicyAnalysis, source: WorkloadConnectivitySource): WorkloadConnectivity {
  const byWorkload = workloadClasses(base);
  const workloads = [...byWorkload.keys()].sort();
  const connections: WorkloadConnection[] = [];
  const external: ExternalConnection[] = [];
  const toConns = memoConns(base);
  const N = base.classes.length;
  for (const w of workloads) {
    const ids = byWorkload.get(w)!;
    const reach = source.reach(w, ids);
    for (const dst of [...reach.keys()].sort()) connections.push({ src: w, dst, conns: toConns(reach.get(dst)!) });
    for (const direction of ['egress', 'ingress'] as const) {
      for (const seg of source.external(ids, direction).segments) {
        for (const range of base.addresses.toRanges(seg.peers, N)) external.push({ workload: w, direction, range, conns: toConns(seg.ports) });
      }
    }
  }
  external.sort((a, b) => (a.workload < b.workload ? -1 : a.workload > b.workload ? 1 : a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : a.range.family - b.range.family || (a.range.start < b.range.start ? -1 : 1)));
  return { workloads, connections, external };
}

export function memoConns(analysis: { readonly ports: PortSpace }): (id: PortSetId) => ConnectionSet {
  const memo = new Map<PortSetId, ConnectionSet>();
  return (id) => {
    let c = memo.get(id);
    if (!c) memo.set(id, (c = analysis.ports.toConnectionSet(id)));
    return c;
  };
}
