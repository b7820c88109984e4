/**
 * What an audit reads of one pod class's effective allow set in one direction, short of the reach: the
 * policies that apply, whether the set is everything, its external part (peers that are addresses, not pods),
 * and whether some peer is allowed a given port. Two sources give the same answers: a complete analysis's
 * allow maps (`rowClassDirections`), and — for clusters beyond the class cap — the policies themselves with
 * the reach-block rules (`blockClassDirections`, docs/factorised-engine.md step 3), which never build an allow
 * map over pod peers: the external part is evaluated over the address atoms alone, and the pod part is read
 * from the direction's rule pieces, whose ports resolve per destination.
 */
import type { ClusterAnalysis, DirectionCoverage, PolicyAnalysis } from './analyse-cluster.js';
import { AllowMap } from './allow-map.js';
import type { Bitset } from './bitset.js';
import type { BlockPorts } from './block-ports.js';
import type { NamedPortBinding } from './pod-classes.js';
import type { PortSpace } from './port-space.js';
import type { ReachRule } from './reach-blocks.js';
import type { Direction } from './rule-compiler.js';
import { effectiveAllowMap } from './tier-evaluation.js';
import type { Protocol } from '../model/connection-set.js';
import type { NetworkPolicyModel } from '../model/network-policy.js';
import type { AdminPolicyModel } from '../model/admin-network-policy.js';

/** The policies that apply (as in DirectionCoverage), and what the allow set is. */
export interface ClassDirection extends Pick<DirectionCoverage, 'networkPolicies' | 'adminPolicies' | 'baseline'> {
  /** The allow set is everything: every peer, pods and addresses, on every port. */
  readonly open: boolean;
  /** The allow set restricted to the external address atoms. */
  readonly external: AllowMap;
  /** Whether some peer (pod or address) is allowed this port: to it (egress) or from it (ingress). */
  allowsPort(protocol: Protocol, port: number): boolean;
}

/** A class's direction facts; classes with the same policies (and what their names mean) share one object. */
export type ClassDirections = (classId: number, direction: Direction) => ClassDirection;

/**
 * Class directions from reach blocks, with a way to let go of the rule pieces once every question that needs
 * them was asked (an audit's checks): the facts kept after it (a report keeps them) then hold no rules. Port
 * questions answered before stay answered; a new one that needs the pieces is an error.
 */
export interface ReleasableClassDirections {
  readonly directions: ClassDirections;
  releasePieces(): void;
}

/** From a complete analysis: its allow maps, one evaluation per group of classes. */
export function rowClassDirections(analysis: ClusterAnalysis): ClassDirections {
  const { compiler } = analysis;
  const space = compiler.ports;
  const byGroup = new Map<number, ClassDirection>();
  return (c, d) => {
    const cov = analysis[d][c]!;
    let known = byGroup.get(cov.group);
    if (!known) {
      const allow = cov.allow;
      known = {
        networkPolicies: cov.networkPolicies,
        adminPolicies: cov.adminPolicies,
        baseline: cov.baseline,
        open: allow.isFull(compiler.allPeers, space),
        external: allow.restrict(compiler.allExternal, space),
        allowsPort: (protocol, port) => allow.segments.some((s) => space.containsPort(s.ports, protocol, port)),
      };
      byGroup.set(cov.group, known);
    }
    return known;
  };
}

const NO_NAMED: ReadonlyMap<string, readonly NamedPortBinding[]> = new Map();

/**
 * From the policies and the reach-block rules of both directions (directionRules). A class's pieces — the
 * rules whose subjects hold it — are, over pod peers, exactly its effective allow set, with its ports
 * resolved on the destination (the peer for egress, the class itself for ingress). Groups: classes with
 * the same policies in the direction and, for ingress, the same bindings of the port names those policies
 * mention.
 */
export function blockClassDirections(base: PolicyAnalysis, rules: Readonly<Record<Direction, readonly ReachRule[]>>, ports: BlockPorts): ClassDirections {
  return releasableBlockClassDirections(base, rules, ports).directions;
}

/** blockClassDirections, releasable (see ReleasableClassDirections). */
export function releasableBlockClassDirections(base: PolicyAnalysis, rules: Readonly<Record<Direction, readonly ReachRule[]>>, ports: BlockPorts): ReleasableClassDirections {
  const { compiler, evaluator, classes } = base;
  const space = compiler.ports;
  const N = classes.length;
  const externalAll = AllowMap.rect(compiler.allExternal, space.all, space);
  // the rule pieces and port resolution, held where releasePieces can drop them
  const held: { pieces?: Record<Direction, PieceIndex>; ports?: BlockPorts } = {
    pieces: { ingress: new PieceIndex(rules.ingress, N), egress: new PieceIndex(rules.egress, N) },
    ports,
  };
  const released = () => new Error('internal: a port question after the rule pieces were released');
  const piecesOf = (c: number, d: Direction): readonly ReachRule[] => {
    if (!held.pieces) throw released();
    return held.pieces[d].of(c);
  };
  const portsOfRule = (r: ReachRule, y: number): number => {
    if (!held.ports) throw released();
    return held.ports.portsOn(r, y);
  };
  const listIds = new Map<object, number>();
  const listId = (list: object) => {
    let id = listIds.get(list);
    if (id === undefined) listIds.set(list, (id = listIds.size));
    return id;
  };
  const namesMemo = new Map<string, readonly string[]>();
  /** The port names the policies' rules of a direction mention, sorted. */
  const namesOf = (key: string, policies: readonly (NetworkPolicyModel | AdminPolicyModel)[], d: Direction): readonly string[] => {
    let names = namesMemo.get(key);
    if (!names) {
      const set = new Set<string>();
      for (const p of policies) for (const r of p[d]) for (const port of r.ports ?? []) if (port.kind === 'named') set.add(port.name);
      namesMemo.set(key, (names = [...set].sort()));
    }
    return names;
  };
  const groups = new Map<string, ClassDirection>();
  const directions: ClassDirections = (c, d) => {
    const sp = evaluator.subjectPolicies(c, d);
    const policyKey = `${d}|${listId(sp.networkPolicies)}|${sp.admin.map((a) => a.id).join(',')}|${sp.baseline ? 1 : 0}`;
    const cls = classes[c]!;
    // ingress names resolve on the class itself: the bindings of the names mentioned are part of the group
    let key = policyKey;
    if (d === 'ingress' && cls.namedPorts.size) {
      const names = namesOf(policyKey, [...sp.networkPolicies, ...sp.admin, ...(sp.baseline ? [sp.baseline] : [])], d);
      if (names.length) key += `|${names.map((n) => (cls.namedPorts.get(n) ?? []).map((b) => `${b.protocol}/${b.port}`).join('+')).join(';')}`;
    }
    let known = groups.get(key);
    if (known) return known;
    const unpoliced = sp.networkPolicies.length === 0 && sp.admin.length === 0 && !sp.baseline;
    const external = unpoliced ? externalAll : effectiveAllowMap(compiler, d, sp, d === 'ingress' ? cls.namedPorts : NO_NAMED, compiler.allExternal);
    const portsOn = (r: ReachRule, y: number) => portsOfRule(r, d === 'egress' ? y : c);
    const portMemo = new Map<string, boolean>();
    known = {
      networkPolicies: sp.networkPolicies.map((p) => p.id),
      adminPolicies: sp.admin.map((a) => a.id),
      baseline: sp.baseline !== undefined,
      open: unpoliced || (external.isFull(compiler.allExternal, space) && podPartFull(piecesOf(c, d), N, compiler.allClasses, space, portsOn)),
      external,
      allowsPort(protocol, port) {
        const k = `${protocol}/${port}`;
        let v = portMemo.get(k);
        if (v === undefined) {
          v = external.segments.some((s) => space.containsPort(s.ports, protocol, port)) || piecesOf(c, d).some((r) => somePeerAllows(r, d, protocol, port, portsOn, space));
          portMemo.set(k, v);
        }
        return v;
      },
    };
    groups.set(key, known);
    return known;
  };
  return {
    directions,
    releasePieces: () => {
      held.pieces = undefined;
      held.ports = undefined;
    },
  };
}

/** The rules of one direction by the classes they apply to (built on first use). */
class PieceIndex {
  private byClass: ReachRule[][] | undefined;

  constructor(
    private readonly rules: readonly ReachRule[],
    private readonly classCount: number,
  ) {}

  of(c: number): readonly ReachRule[] {
    if (!this.byClass) {
      const by: ReachRule[][] = Array.from({ length: this.classCount }, () => []);
      for (const r of this.rules) r.subjects.forEach((s) => by[s]!.push(r));
      this.byClass = by;
    }
    return this.byClass[c]!;
  }
}

type PortsOn = (rule: ReachRule, peer: number) => number;

/** Whether a class's pieces allow every pod peer every port. */
function podPartFull(pieces: readonly ReachRule[], N: number, allClasses: Bitset, space: PortSpace, portsOn: PortsOn): boolean {
  // one piece over every class and port (an unisolated class, an allow-all rule) settles it
  if (pieces.some((r) => (r.ports === null || r.ports === space.all) && r.minus === space.none && r.peers.contains(allClasses))) return true;
  if (!pieces.length) return false;
  // otherwise every peer's ports, piece by piece (rare: only when the external part is everything too)
  for (let y = 0; y < N; y++) {
    let got = space.none;
    for (const r of pieces) if (r.peers.has(y)) got = space.union(got, portsOn(r, y));
    if (got !== space.all) return false;
  }
  return true;
}

/**
 * Whether a piece allows a port with some peer. Its ports differ from peer to peer only for egress pieces
 * with named entries (resolved on each peer); otherwise one peer tells.
 */
function somePeerAllows(rule: ReachRule, d: Direction, protocol: Protocol, port: number, portsOn: PortsOn, space: PortSpace): boolean {
  const perPeer = d === 'egress' && Array.isArray(rule.ports) && rule.ports.some((p) => p.kind === 'named');
  for (let y = rule.peers.nextSetBit(0); y >= 0; y = rule.peers.nextSetBit(y + 1)) {
    if (space.containsPort(portsOn(rule, y), protocol, port)) return true;
    if (!perPeer) return false;
  }
  return false;
}
