/**
 * Whether the audit from reach blocks (runBlockAudit, for clusters beyond the class cap) says what the audit of
 * a complete analysis says: the same findings (but those of the checks that need the complete analysis), the
 * same exposure, namespace summaries and summary, and the same workload facts. Returns the differences.
 */
import type { PolicyAnalysis } from '../../src/core/engine/analyse-cluster.js';
import { blockAuditFacts, type AllowSetFacts, type DirectionFacts } from '../../src/core/findings/audit-facts.js';
import { CHECKS } from '../../src/core/findings/check-registry.js';
import { runBlockAudit, type AuditResult, type BlockAuditResult } from '../../src/core/findings/run-audit.js';

/** Ports asked of allowsPort: DNS, and a few others. */
const PROBES = [
  ['UDP', 53],
  ['TCP', 53],
  ['TCP', 80],
  ['TCP', 8080],
  ['SCTP', 9000],
] as const;

/** A direction's facts as plain data (peer workloads by key, internet ranges as text, port probes). */
function plain(f: DirectionFacts, keys: readonly string[], probes: boolean) {
  return {
    isolated: f.isolated,
    open: f.open,
    networkPolicies: f.networkPolicies,
    adminPolicies: f.adminPolicies,
    baseline: f.baseline,
    peers: f.peers.toArray().map((w) => keys[w]),
    peerCount: f.peerCount,
    peerNamespaces: [...f.peerNamespaces].sort(),
    internet: f.internet.map((i) => `${i.range.family}:${i.range.start}-${i.range.end}@${i.ports}`).sort(),
    external: f.external,
    ...(probes ? { ports: PROBES.map(([p, n]) => f.allowsPort(p, n)) } : {}),
  };
}

/** `probes: false` for facts whose rule pieces were released after an audit (runBlockAudit): no new port questions. */
export function factsDifferences(expected: AllowSetFacts, got: AllowSetFacts, probes = true): string[] {
  const out: string[] = [];
  if (expected.workloads.size !== got.workloads.size) out.push(`${got.workloads.size} workloads, expected ${expected.workloads.size}`);
  for (const [key, w] of expected.workloads) {
    const g = got.workloads.get(key);
    if (!g) {
      out.push(`${key}: missing`);
      continue;
    }
    for (const d of ['ingress', 'egress'] as const) {
      const a = JSON.stringify(plain(w[d], expected.workloadKeys, probes));
      const b = JSON.stringify(plain(g[d], got.workloadKeys, probes));
      if (a !== b) out.push(`${key} ${d}: expected ${a}, got ${b}`);
    }
  }
  return out;
}

/** The block audit of the same cluster, and how it differs from the complete one. */
export function blockAuditDifferences(base: PolicyAnalysis, complete: AuditResult, input: Parameters<typeof runBlockAudit>[0]): { block: BlockAuditResult; differences: string[] } {
  // the port probes on facts of their own (the audit's let go of the rule pieces once its checks ran)
  const out = factsDifferences(complete.facts, blockAuditFacts(base));
  const block = runBlockAudit({ ...input, analysis: base });
  out.push(...factsDifferences(complete.facts, block.facts, false));
  const needsComplete = new Set(CHECKS.filter((c) => c.needs === 'complete-analysis').map((c) => c.id));
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${what}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`);
  };
  same('findings', complete.findings.filter((f) => !needsComplete.has(f.check)), block.findings);
  same('exposure', complete.exposure, block.exposure);
  same('namespaces', complete.namespaces, block.namespaces);
  const counts = (s: AuditResult['summary']) => ({ ...s, checks: s.checks.filter((c) => !needsComplete.has(c.id)), findingsBySeverity: undefined, suppressedFindings: undefined });
  same('summary', counts(complete.summary), counts(block.summary));
  return { block, differences: out };
}
