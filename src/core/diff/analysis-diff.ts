/**
 * Connectivity diff between two analyses of one cluster without listing every workload pair: workloads
 * are grouped into joint classes (same pod classes before and after), each joint class's row of reach is
 * laid out once per side in scratch arrays, and only rows that differ produce changes. Rows shared by many
 * classes (the engine memoises them) are compared once. The result equals
 * diffConnectivity(workloadConnectivity(before), workloadConnectivity(after)); only the changes are
 * enumerated, so a 1% change to a 100k-pod cluster costs a fraction of listing its connectivity.
 */
import type { AllowMap } from '../engine/allow-map.js';
import type { ClusterAnalysis } from '../engine/analyse-cluster.js';
import type { PortSetId } from '../engine/port-space.js';
import { workloadClasses, workloadExternal } from '../engine/workload-connectivity.js';
import type { ConnectionSet } from '../model/connection-set.js';
import { CanonicalPorts } from './canonical-ports.js';
import { byPair, classify, externalChanges, rangePieces, workloadChangeOf, type ConnectivityChange, type RangePiece } from './connectivity-diff.js';

interface Side {
  readonly analysis: ClusterAnalysis;
  readonly classesOf: ReadonlyMap<string, number[]>;
  /** Joint classes per pod class. */
  readonly jointsOf: number[][];
  readonly gid: (id: PortSetId) => number;
}

export function diffAnalyses(before: ClusterAnalysis, after: ClusterAnalysis): ConnectivityChange[] {
  const ports = new CanonicalPorts();
  const c1 = workloadClasses(before);
  const c2 = workloadClasses(after);
  const workloads = [...new Set([...c1.keys(), ...c2.keys()])].sort();
  // joint classes: workloads with the same pod classes on both sides are indistinguishable
  const jointByKey = new Map<string, number>();
  const joints: { workloads: string[]; before: number[]; after: number[] }[] = [];
  for (const w of workloads) {
    const b = c1.get(w) ?? [];
    const a = c2.get(w) ?? [];
    const key = `${b.join(',')}|${a.join(',')}`;
    let j = jointByKey.get(key);
    if (j === undefined) {
      j = joints.length;
      joints.push({ workloads: [], before: b, after: a });
      jointByKey.set(key, j);
    }
    joints[j]!.workloads.push(w);
  }
  const side = (analysis: ClusterAnalysis, classesOf: ReadonlyMap<string, number[]>, pick: (j: (typeof joints)[number]) => number[]): Side => {
    const jointsOf: number[][] = analysis.classes.map(() => []);
    joints.forEach((j, i) => {
      for (const c of pick(j)) jointsOf[c]!.push(i);
    });
    return { analysis, classesOf, jointsOf, gid: ports.from(analysis.ports) };
  };
  const sb = side(before, c1, (j) => j.before);
  const sa = side(after, c2, (j) => j.after);

  // a row: destination joint class -> canonical ports, laid out in a scratch array
  const J = joints.length;
  const scratch = [new Int32Array(J), new Int32Array(J)] as const;
  const touched: [number[], number[]] = [[], []];
  const layout = (s: Side, classIds: readonly number[], k: 0 | 1) => {
    const row = scratch[k];
    const t = touched[k];
    for (const c of classIds) {
      const map: AllowMap = s.analysis.reach[c]!;
      for (const seg of map.segments) {
        const g = s.gid(seg.ports);
        seg.peers.forEach((dst) => {
          for (const jj of s.jointsOf[dst]!) {
            if (row[jj] === 0) {
              row[jj] = g;
              t.push(jj);
            } else row[jj] = ports.union(row[jj]!, g);
          }
        });
      }
    }
  };
  // rows shared by many classes are compared once
  const mapIds = new WeakMap<AllowMap, number>();
  let nextMapId = 1;
  const idOf = (m: AllowMap) => {
    let id = mapIds.get(m);
    if (id === undefined) mapIds.set(m, (id = nextMapId++));
    return id;
  };
  const memo = new Map<string, { dst: number; b: number; a: number }[]>();
  const rowDiff = (j: (typeof joints)[number]) => {
    const key =
      j.before.length <= 1 && j.after.length <= 1
        ? `${j.before.length ? idOf(before.reach[j.before[0]!]!) : 0}|${j.after.length ? idOf(after.reach[j.after[0]!]!) : 0}`
        : undefined;
    const hit = key !== undefined ? memo.get(key) : undefined;
    if (hit) return hit;
    layout(sb, j.before, 0);
    layout(sa, j.after, 1);
    const out: { dst: number; b: number; a: number }[] = [];
    const [r0, r1] = scratch;
    for (const jj of touched[0]) if (r0[jj] !== r1[jj]) out.push({ dst: jj, b: r0[jj]!, a: r1[jj]! });
    for (const jj of touched[1]) if (r0[jj] === 0 && r1[jj] !== 0) out.push({ dst: jj, b: 0, a: r1[jj]! });
    for (const jj of touched[0]) r0[jj] = 0;
    for (const jj of touched[1]) r1[jj] = 0;
    touched[0].length = 0;
    touched[1].length = 0;
    if (key !== undefined) memo.set(key, out);
    return out;
  };

  const workloadChange = workloadChangeOf(c1, c2);
  const conns = (g: number): ConnectionSet | null => ports.conns(g);
  const changes: ConnectivityChange[] = [];
  for (const j of joints) {
    for (const d of rowDiff(j)) {
      const before = conns(d.b);
      const after = conns(d.a);
      const type = classify(before, after);
      if (!type) continue;
      for (const src of j.workloads) {
        for (const dst of joints[d.dst]!.workloads) {
          if (src === dst) continue;
          const wc = workloadChange(src, dst);
          changes.push({ type, src, dst, before, after, ...(wc ? { workloadChange: wc } : {}) });
        }
      }
    }
  }
  // external addresses: per workload, on the union of both address splits
  const pieces = (a: ClusterAnalysis, ids: readonly number[] | undefined, direction: 'egress' | 'ingress'): RangePiece[] =>
    ids ? rangePieces(a, workloadExternal(a, ids, direction)) : [];
  for (const w of workloads) {
    for (const direction of ['egress', 'ingress'] as const) {
      changes.push(...externalChanges(w, direction, pieces(before, c1.get(w), direction), pieces(after, c2.get(w), direction), workloadChange));
    }
  }
  return changes.sort(byPair);
}
