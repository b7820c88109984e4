/**
 * Drift between two snapshots (or manifest folders) of one cluster: connections added, removed or
 * changed; workloads newly exposed to the internet or to other namespaces; policies added, removed or
 * modified (field by field); label changes that altered which policies cover a workload or namespace; and
 * findings new, resolved and persisting (matched by fingerprint).
 */
import type { AuditFacts, NamespaceFacts, PolicyFacts, WorkloadFacts, WorkloadInventory } from '../findings/audit-facts.js';
import type { Check } from '../findings/check.js';
import { findCheck } from '../findings/check-registry.js';
import type { Finding } from '../findings/finding.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { selectorMatches, type LabelSelector } from '../model/label-selector.js';
import type { Snapshot, SnapshotPolicy } from '../model/snapshot.js';
import { diffAnalyses } from './analysis-diff.js';
import { blockConnectivityDiff } from './block-connectivity-diff.js';
import type { PolicyAnalysis } from '../engine/analyse-cluster.js';
import { EngineLimitError } from '../engine/engine-limit-error.js';
import { diffConnectivity, type ConnectivityChange } from './connectivity-diff.js';
import { workloadConnectivity, type WorkloadConnectivity } from '../engine/workload-connectivity.js';
import { diffObjects, type FieldChange } from './object-diff.js';

export interface PolicyChange {
  readonly change: 'added' | 'removed' | 'modified';
  readonly kind: 'NetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  readonly namespace?: string;
  readonly name: string;
  /** `ns/name`, `anp/name`, `banp/name` (as findings name policies). */
  readonly id: string;
  readonly fields: readonly FieldChange[];
}

export interface ExposureChange {
  readonly workload: string;
  readonly direction: 'ingress' | 'egress';
}

export interface CrossNamespaceChange {
  readonly workload: string;
  /** Namespaces that can reach it now and could not before. */
  readonly namespaces: readonly string[];
}

export interface CoverageChange {
  /** `workload` or `namespace`. */
  readonly kind: 'workload' | 'namespace';
  readonly name: string;
  readonly labels: readonly FieldChange[];
  /** Policies covering it (selecting it, or for namespaces, whose namespaceSelectors match it) only now / only before. */
  readonly nowCoveredBy: readonly string[];
  readonly noLongerCoveredBy: readonly string[];
}

/** What changed that needs no allow set: policies, coverage by label changes, findings. */
export interface PolicyDrift {
  readonly policies: readonly PolicyChange[];
  readonly coverage: readonly CoverageChange[];
  readonly findings: { readonly new: readonly Finding[]; readonly resolved: readonly Finding[]; readonly persisting: readonly Finding[] };
}

/** Workloads newly exposed to the internet or to other namespaces (both sides' allow sets known). */
export interface ExposureDrift {
  readonly newlyInternetExposed: readonly ExposureChange[];
  readonly newlyCrossNamespaceExposed: readonly CrossNamespaceChange[];
}

/** The whole drift: the policy drift plus connectivity and exposure changes (both sides analysed). */
export interface Drift extends PolicyDrift, ExposureDrift {
  readonly connections: readonly ConnectivityChange[];
}

/**
 * What the coverage drift reads of one side: its workloads and namespaces, the policies of its model, and
 * which policies cover a workload. None of it is an allow set.
 */
export interface CoverageView {
  readonly model: ClusterModel;
  readonly workloads: ReadonlyMap<string, WorkloadInventory>;
  readonly namespaces: ReadonlyMap<string, NamespaceFacts>;
  /** Ids of the policies covering a workload's classes in either direction (see CoverageEvaluator.coveringPolicies). */
  coveredBy(workload: string): ReadonlySet<string>;
}

/** A coverage view that asks the policy analysis when asked (for a side whose analysis is kept anyway). */
export function coverageView(facts: PolicyFacts): CoverageView {
  const { analysis, workloads, namespaces } = facts;
  return {
    model: analysis.model,
    workloads,
    namespaces,
    coveredBy: (key) => new Set(workloads.get(key)!.classes.flatMap((c) => analysis.evaluator.coveringPolicies(c))),
  };
}

/**
 * A coverage view computed now for every workload, keeping no reference to the policy analysis: a side beyond
 * the engine's limits then holds its snapshot, findings and these sets, not its classes and selector bitsets
 * (W3 at 100k pods: ~220 MB of heap and ~100 MB of bitsets per side), so two such sides fit in memory together.
 */
export function detachedCoverageView(facts: PolicyFacts): CoverageView {
  const { model, workloads, namespaces, coveredBy } = coverageView(facts);
  const covering = new Map<string, ReadonlySet<string>>();
  // the inventory alone: workload facts with allow sets hold what answers their port questions (rule pieces)
  const inventory = new Map<string, WorkloadInventory>();
  for (const [key, w] of workloads) {
    covering.set(key, coveredBy(key));
    inventory.set(key, { key: w.key, namespace: w.namespace, name: w.name, kind: w.kind, pods: w.pods, classes: w.classes, hostNetwork: w.hostNetwork });
  }
  return { model, workloads: inventory, namespaces, coveredBy: lookupIn(covering) };
}

/**
 * A lookup closing over its map alone. (A closure made inside detachedCoverageView would share that
 * function's context, and with it `coveredBy`, which holds the whole policy analysis: ~570 MB at W3.)
 */
function lookupIn(covering: ReadonlyMap<string, ReadonlySet<string>>): (key: string) => ReadonlySet<string> {
  return (key) => covering.get(key)!;
}

/** One side of a policy drift: a snapshot with its findings and what its coverage drift reads. */
export interface PolicyDriftSide {
  readonly snapshot: Snapshot;
  readonly coverage: CoverageView;
  readonly findings: readonly Finding[];
}

/**
 * A side whose allow sets are known per workload: analysed from reach blocks beyond the engine's limits (or
 * completely). It keeps the workloads' facts, not the policy analysis they came from, and its connectivity
 * listing when one was made (from blocks, when the listing fits its limit).
 */
export interface ExposureDriftSide extends PolicyDriftSide {
  readonly workloadFacts: ReadonlyMap<string, WorkloadExposureFacts>;
  readonly connectivity?: WorkloadConnectivity;
  /**
   * The policy analysis, kept by a side whose connectivity could not be listed when its holder asked for it
   * (`diff` does; a report holding two such sides would pass its memory budget): the connection changes then
   * come from reach blocks (blockConnectivityDiff), never listing either side.
   */
  readonly analysis?: PolicyAnalysis;
}

export interface DriftSide extends ExposureDriftSide {
  readonly facts: AuditFacts;
}

function policyList(s: Snapshot): { kind: PolicyChange['kind']; id: string; p: SnapshotPolicy }[] {
  return [
    ...s.networkPolicies.map((p) => ({ kind: 'NetworkPolicy' as const, id: `${p.namespace ?? 'default'}/${p.name}`, p })),
    ...s.adminNetworkPolicies.map((p) => ({ kind: 'AdminNetworkPolicy' as const, id: `anp/${p.name}`, p })),
    ...s.baselineAdminNetworkPolicies.map((p) => ({ kind: 'BaselineAdminNetworkPolicy' as const, id: `banp/${p.name}`, p })),
  ];
}

/** What of a policy object counts as a change: labels, annotations and spec (not where it was read from). */
function policyBody(p: SnapshotPolicy): unknown {
  return { metadata: { labels: p.labels ?? {}, annotations: p.annotations ?? {} }, spec: p.spec };
}

export function diffPolicies(before: Snapshot, after: Snapshot): PolicyChange[] {
  const b = new Map(policyList(before).map((x) => [`${x.kind}|${x.id}`, x]));
  const a = new Map(policyList(after).map((x) => [`${x.kind}|${x.id}`, x]));
  const out: PolicyChange[] = [];
  for (const key of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const x = b.get(key);
    const y = a.get(key);
    const ref = (y ?? x)!;
    const base = { kind: ref.kind, ...(ref.p.namespace ? { namespace: ref.p.namespace } : {}), name: ref.p.name, id: ref.id };
    if (!x) out.push({ ...base, change: 'added', fields: [] });
    else if (!y) out.push({ ...base, change: 'removed', fields: [] });
    else {
      const fields = diffObjects(policyBody(x.p), policyBody(y.p));
      if (fields.length) out.push({ ...base, change: 'modified', fields });
    }
  }
  return out;
}

function coverage(before: PolicyDriftSide, after: PolicyDriftSide): CoverageChange[] {
  const out: CoverageChange[] = [];
  // the policies covering a workload's classes in either direction (no allow set needed)
  for (const [key, wa] of after.coverage.workloads) {
    const wb = before.coverage.workloads.get(key);
    if (!wb) continue;
    const labels = diffObjects(wb.pods[0]?.labels ?? {}, wa.pods[0]?.labels ?? {});
    if (!labels.length) continue;
    const cb = before.coverage.coveredBy(key);
    const ca = after.coverage.coveredBy(key);
    const now = [...ca].filter((p) => !cb.has(p)).sort();
    const gone = [...cb].filter((p) => !ca.has(p)).sort();
    if (now.length || gone.length) out.push({ kind: 'workload', name: key, labels, nowCoveredBy: now, noLongerCoveredBy: gone });
  }
  // namespaces: which policies' namespaceSelectors (peers and admin subjects) match them
  const nsCover = (side: PolicyDriftSide, ns: string) => {
    const model = side.coverage.model;
    const labels = model.namespaces.get(ns)?.labels ?? {};
    const hits = new Set<string>();
    const matches = (sel: LabelSelector) => selectorMatches(sel, labels);
    for (const np of model.networkPolicies) {
      for (const rule of [...np.ingress, ...np.egress]) for (const p of rule.peers ?? []) if (p.kind === 'pods' && p.namespaceSelector && matches(p.namespaceSelector)) hits.add(np.id);
    }
    for (const a of [...model.adminPolicies, ...(model.baselinePolicy ? [model.baselinePolicy] : [])]) {
      if (matches(a.subject.namespaceSelector)) hits.add(a.id);
      for (const rule of [...a.ingress, ...a.egress]) for (const p of rule.peers) if ((p.kind === 'pods' || p.kind === 'namespaces') && matches(p.namespaceSelector)) hits.add(a.id);
    }
    return hits;
  };
  for (const [name, nsA] of after.coverage.namespaces) {
    const nsB = before.coverage.namespaces.get(name);
    if (!nsB) continue;
    const labels = diffObjects(nsB.labels, nsA.labels);
    if (!labels.length) continue;
    const cb = nsCover(before, name);
    const ca = nsCover(after, name);
    const now = [...ca].filter((p) => !cb.has(p)).sort();
    const gone = [...cb].filter((p) => !ca.has(p)).sort();
    if (now.length || gone.length) out.push({ kind: 'namespace', name, labels, nowCoveredBy: now, noLongerCoveredBy: gone });
  }
  return out;
}

/**
 * A side with only the findings of the checks that ran on both sides (those that need no more than `level`):
 * comparing a complete side with one beyond the engine's limits like with like, so nothing reads as resolved
 * merely because it was not checked.
 */
function sideAtLevel(side: PolicyDriftSide, level: Check['needs']): PolicyDriftSide {
  const ran = level === 'policies' ? (n: Check['needs']) => n === 'policies' : (n: Check['needs']) => n !== 'complete-analysis';
  return { ...side, findings: side.findings.filter((f) => { const needs = findCheck(f.check)?.needs; return needs !== undefined && ran(needs); }) };
}

/** The drift that needs no allow set, for sides beyond the engine's limits (or either kind of side). */
export function computePolicyDrift(before: PolicyDriftSide, after: PolicyDriftSide): PolicyDrift {
  const fb = new Map(before.findings.map((f) => [f.fingerprint, f]));
  const fa = new Map(after.findings.map((f) => [f.fingerprint, f]));
  return {
    policies: diffPolicies(before.snapshot, after.snapshot),
    coverage: coverage(before, after),
    findings: {
      new: after.findings.filter((f) => !fb.has(f.fingerprint)),
      resolved: before.findings.filter((f) => !fa.has(f.fingerprint)),
      persisting: after.findings.filter((f) => fb.has(f.fingerprint)),
    },
  };
}

/** What the exposure drift reads of a workload's facts (WorkloadFacts has it; exposureFacts copies just that). */
export interface WorkloadExposureFacts {
  readonly namespace: string;
  readonly ingress: { readonly internet: readonly unknown[]; readonly peerNamespaces: ReadonlySet<string> };
  readonly egress: { readonly internet: readonly unknown[] };
}

/**
 * The exposure facts of every workload, copied out of the audit's facts: a side kept for a drift then holds
 * no reference to the allow-set machinery behind them (from reach blocks, the rule pieces the port
 * questions read: ~150 MB at W3's 100k pods).
 */
export function exposureFacts(workloads: ReadonlyMap<string, WorkloadFacts>): Map<string, WorkloadExposureFacts> {
  const out = new Map<string, WorkloadExposureFacts>();
  for (const [key, w] of workloads) {
    out.set(key, { namespace: w.namespace, ingress: { internet: w.ingress.internet, peerNamespaces: w.ingress.peerNamespaces }, egress: { internet: w.egress.internet } });
  }
  return out;
}

/** Workloads the internet or another namespace reaches (or that reach the internet) only after. */
export function computeExposureDrift(before: ReadonlyMap<string, WorkloadExposureFacts>, after: ReadonlyMap<string, WorkloadExposureFacts>): ExposureDrift {
  const newlyInternetExposed: ExposureChange[] = [];
  const newlyCrossNamespaceExposed: CrossNamespaceChange[] = [];
  for (const [key, w] of after) {
    const prev = before.get(key);
    for (const d of ['ingress', 'egress'] as const) {
      if (w[d].internet.length && !(prev && prev[d].internet.length)) newlyInternetExposed.push({ workload: key, direction: d });
    }
    const nsNow = [...w.ingress.peerNamespaces].filter((n) => n !== w.namespace);
    const nsBefore = new Set(prev ? [...prev.ingress.peerNamespaces] : []);
    const added = nsNow.filter((n) => !nsBefore.has(n)).sort();
    if (added.length) newlyCrossNamespaceExposed.push({ workload: key, namespaces: added });
  }
  return { newlyInternetExposed, newlyCrossNamespaceExposed };
}

export function computeDrift(before: DriftSide, after: DriftSide): Drift {
  return {
    connections: diffAnalyses(before.facts.analysis, after.facts.analysis),
    ...computeExposureDrift(before.workloadFacts, after.workloadFacts),
    ...computePolicyDrift(before, after),
  };
}

/**
 * A drift side of any kind: complete; or beyond the engine's limits with the engine's explanation, analysed
 * from reach blocks (an ExposureDriftSide: exposure and findings of the checks over allow sets compare) or at
 * policy level only.
 */
export type AnyDriftSide =
  | { readonly complete: true; readonly side: DriftSide }
  | { readonly complete: false; readonly side: PolicyDriftSide | ExposureDriftSide; readonly reason: string };

/**
 * The whole drift; or — when a side is beyond the engine's limits — the policy drift, the exposure drift when
 * both sides' allow sets are known (`exposure`, else null), and why the rest was not compared.
 */
export type DriftOutcome =
  | { readonly complete: true; readonly drift: Drift }
  | {
      readonly complete: false;
      readonly drift: PolicyDrift;
      readonly exposure: ExposureDrift | null;
      /**
       * The connection changes, when both sides' connectivity is listed (a side from blocks whose listing fits),
       * or both kept their policy analysis (compared from reach blocks).
       */
      readonly connections: readonly ConnectivityChange[] | null;
      readonly notAnalysed: readonly string[];
    };

const workloadFactsOf = (s: AnyDriftSide): ReadonlyMap<string, WorkloadExposureFacts> | undefined => ('workloadFacts' in s.side ? s.side.workloadFacts : undefined);
/** A side's connectivity listing: the one it carries, or the complete analysis's. */
const listingOf = (s: AnyDriftSide): WorkloadConnectivity | undefined =>
  s.complete ? (s.side.connectivity ?? workloadConnectivity(s.side.facts.analysis)) : 'connectivity' in s.side ? s.side.connectivity : undefined;

/**
 * The whole drift when both sides are complete. Otherwise what both sides allow comparing: with both sides'
 * allow sets known (a side analysed from reach blocks), the exposure drift and the findings of every check
 * but those that need the complete analysis, and the connection changes when both are listed; else the
 * policy drift and the policy-level findings.
 */
export function driftBetween(before: AnyDriftSide, after: AnyDriftSide): DriftOutcome {
  if (before.complete && after.complete) return { complete: true, drift: computeDrift(before.side, after.side) };
  const notAnalysed: string[] = ([['before', before], ['after', after]] as const).flatMap(([name, s]) => (s.complete ? [] : [`${name} (${s.side.snapshot.cluster}, ${s.side.snapshot.takenAt}): ${s.reason}`]));
  const wb = workloadFactsOf(before);
  const wa = workloadFactsOf(after);
  const level = wb && wa ? 'allow-sets' : 'policies';
  const lb = wb && wa ? listingOf(before) : undefined;
  const la = lb ? listingOf(after) : undefined;
  return {
    complete: false,
    drift: computePolicyDrift(sideAtLevel(before.side, level), sideAtLevel(after.side, level)),
    exposure: wb && wa ? computeExposureDrift(wb, wa) : null,
    connections: lb && la ? diffConnectivity(lb, la) : connectionsFromBlocks(before, after, notAnalysed),
    notAnalysed,
  };
}

/** The connection changes from reach blocks when both sides kept their analysis; null (and why, when a limit stopped them) otherwise. */
function connectionsFromBlocks(before: AnyDriftSide, after: AnyDriftSide, notAnalysed: string[]): ConnectivityChange[] | null {
  const analysisOf = (s: AnyDriftSide) => (s.complete ? s.side.facts.analysis : 'analysis' in s.side ? s.side.analysis : undefined);
  const b = analysisOf(before);
  const a = analysisOf(after);
  if (!b || !a) return null;
  try {
    return blockConnectivityDiff(b, a);
  } catch (e) {
    if (!(e instanceof EngineLimitError)) throw e;
    notAnalysed.push(`connections: ${e.message}`);
    return null;
  }
}
