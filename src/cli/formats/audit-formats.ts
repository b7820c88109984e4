/** Output formats of `netpol-audit audit`: txt, json (the contract), csv, sarif. */
import type { Finding } from '../../core/findings/finding.js';
import type { AuditResult, BlockAuditResult, PolicyAuditResult } from '../../core/findings/run-audit.js';
import { CHECKS } from '../../core/findings/check-registry.js';
import { controlLabel } from '../../core/findings/controls.js';
import { SEVERITIES } from '../../core/findings/severity.js';
import type { Snapshot } from '../../core/model/snapshot.js';
import { VERSION } from '../../version.js';
import { posix, sep } from 'node:path';
import { csvTable } from './csv.js';

export const AUDIT_FORMATS = ['txt', 'json', 'sarif', 'csv'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export function findingJson(f: Finding) {
  return {
    check: f.check,
    severity: f.severity,
    cluster: f.cluster,
    namespace: f.namespace ?? null,
    ...(f.workload ? { workload: f.workload } : {}),
    ...(f.policy ? { policy: f.policy } : {}),
    message: f.message,
    fingerprint: f.fingerprint,
    suppressed: f.suppressed,
    ...(f.suppression ? { suppression: f.suppression } : {}),
    controls: [...f.controls],
  };
}

/**
 * A complete audit; or, for a cluster beyond the engine's limits, the audit from reach blocks (every check but
 * those that need the complete analysis) or the policy-level audit.
 */
export type AnyAuditResult = AuditResult | BlockAuditResult | PolicyAuditResult;

const isPolicyOnly = (r: AnyAuditResult): r is PolicyAuditResult => 'notRun' in r && !('exposure' in r);
const isFromBlocks = (r: AnyAuditResult): r is BlockAuditResult => 'notRun' in r && 'exposure' in r;
/** Incomplete: some enabled check did not run (beyond the engine's limits). */
const isIncomplete = (r: AnyAuditResult): r is BlockAuditResult | PolicyAuditResult => 'notRun' in r;

export function auditJson(results: readonly AnyAuditResult[]) {
  const one = results.length === 1 ? results[0]! : undefined;
  return {
    findings: results.flatMap((r) => r.findings.map(findingJson)),
    summary: one ? summaryJson(one) : { clusters: results.map(summaryJson) },
  };
}

/**
 * `complete: false` marks an audit beyond the engine's limits: `notRun` lists the checks that did not run and
 * why; `fromBlocks: true` when it came from reach blocks (then only the checks that need the complete analysis
 * are missing, and the scores and namespace details are there).
 */
function summaryJson(r: AnyAuditResult) {
  if (isPolicyOnly(r)) return { ...r.summary, complete: false, notRun: r.notRun };
  if (isFromBlocks(r)) return { ...r.summary, complete: false, fromBlocks: true, notRun: r.notRun, namespaceDetails: r.namespaces };
  return { ...r.summary, complete: true, namespaceDetails: r.namespaces };
}

export function formatAuditTxt(r: AnyAuditResult): string {
  const s = r.summary;
  const lines: string[] = [];
  const policies = `${s.policies.networkPolicies} NetworkPolicies, ${s.policies.adminNetworkPolicies} AdminNetworkPolicies, ${s.policies.baselineAdminNetworkPolicies} baseline`;
  if (isPolicyOnly(r)) {
    lines.push(`Cluster ${s.cluster} (snapshot ${s.takenAt}): NOT ANALYSED — policy-level checks only, no containment score`);
    lines.push(`${s.namespaces} namespaces, ${s.workloads} workloads, ${s.pods} pods, ${policies}`);
    lines.push(`Why: ${r.notRun.reason}`);
    lines.push(`Not run (they need the effective allow sets): ${r.notRun.checks.join(', ')}`);
  } else {
    const c = r.summary;
    lines.push(`Cluster ${s.cluster} (snapshot ${s.takenAt}): containment ${c.containment.score}/100, grade ${c.containment.grade}`);
    lines.push(
      `${s.namespaces} namespaces (${c.namespacesWithFullDefaultDeny} with full default-deny), ${s.workloads} workloads, ${s.pods} pods ` +
        `(${c.podsIsolatedIngress} isolated for ingress, ${c.podsIsolatedEgress} for egress), ${policies}`,
    );
    if (isFromBlocks(r)) {
      lines.push(`Beyond the engine's limits: analysed from reach blocks. Why: ${r.notRun.reason}`);
      lines.push(`Not run (they need the complete analysis): ${r.notRun.checks.join(', ')}`);
    }
  }
  const counts = [...SEVERITIES].reverse().map((sev) => `${s.findingsBySeverity[sev]} ${sev}`).join(', ');
  lines.push(`Findings: ${counts}${s.suppressedFindings ? ` (+${s.suppressedFindings} suppressed)` : ''}`);
  lines.push('');
  for (const f of r.findings) {
    lines.push(`${f.suppressed ? '[suppressed] ' : ''}${f.severity.toUpperCase().padEnd(8)} ${f.check.padEnd(34)} ${f.message}`);
    if (f.suppression) lines.push(`${' '.repeat(44)}exception by ${f.suppression.owner} until ${f.suppression.expires}: ${f.suppression.reason}`);
  }
  const passed = s.checks.filter((c) => c.passed).map((c) => c.id);
  if (passed.length) {
    lines.push('');
    lines.push(`Passed: ${passed.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatAuditCsv(results: readonly AnyAuditResult[]): string {
  return csvTable(
    ['cluster', 'severity', 'check', 'namespace', 'workload', 'policy', 'message', 'suppressed', 'exception_owner', 'exception_expires', 'controls', 'fingerprint'],
    results.flatMap((r) =>
      r.findings.map((f) => [
        f.cluster, f.severity, f.check, f.namespace ?? '', f.workload ?? '', f.policy ?? '', f.message, f.suppressed ? 'yes' : 'no',
        f.suppression?.owner ?? '', f.suppression?.expires ?? '', f.controls.map(controlLabel).join('; '), f.fingerprint,
      ]),
    ),
  );
}

const SARIF_LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;

/** SARIF 2.1.0, with file locations for policies read from manifests (file:line). */
export function formatAuditSarif(results: readonly AnyAuditResult[], snapshots: readonly Snapshot[]): string {
  // origins are relative to the manifest folder; SARIF wants them relative to where the tool ran
  const origins = new Map<string, string>();
  for (const s of snapshots) {
    const at = (o: string) => (s.source.path ? posix.join(s.source.path.split(sep).join('/'), o) : o);
    for (const p of s.networkPolicies) if (p.origin) origins.set(`${s.cluster}|${p.namespace}/${p.name}`, at(p.origin));
    for (const p of s.adminNetworkPolicies) if (p.origin) origins.set(`${s.cluster}|anp/${p.name}`, at(p.origin));
    for (const p of s.baselineAdminNetworkPolicies) if (p.origin) origins.set(`${s.cluster}|banp/${p.name}`, at(p.origin));
  }
  const ruleIndex = new Map(CHECKS.map((c, i) => [c.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netpol-audit',
            version: VERSION,
            informationUri: 'https://github.com/netpol-audit/netpol-audit',
            rules: CHECKS.map((c) => ({
              id: c.id,
              name: c.title,
              shortDescription: { text: c.title },
              fullDescription: { text: c.rationale },
              help: { text: c.remediation, markdown: `${c.remediation}${c.snippet ? `\n\n\`\`\`yaml\n${c.snippet}\n\`\`\`` : ''}` },
              defaultConfiguration: { level: SARIF_LEVEL[c.defaultSeverity] },
              properties: { controls: c.controls.map(controlLabel), severity: c.defaultSeverity },
            })),
          },
        },
        // a cluster beyond the engine's limits: the run is incomplete, and the notification says why
        ...(results.some(isIncomplete)
          ? {
              invocations: [
                {
                  executionSuccessful: false,
                  toolExecutionNotifications: results.filter(isIncomplete).map((r) => ({
                    level: 'error',
                    message: {
                      text: isFromBlocks(r)
                        ? `${r.summary.cluster}: analysed from reach blocks beyond the engine's limits (not run: ${r.notRun.checks.join(', ')}). ${r.notRun.reason}`
                        : `${r.summary.cluster}: not analysed, policy-level checks only (not run: ${r.notRun.checks.join(', ')}). ${r.notRun.reason}`,
                    },
                  })),
                },
              ],
            }
          : {}),
        results: results.flatMap((r) =>
          r.findings.map((f) => {
            const origin = f.policy ? origins.get(`${f.cluster}|${f.policy}`) : undefined;
            const m = origin?.match(/^(.*?)(?::(\d+))?$/);
            return {
              ruleId: f.check,
              ruleIndex: ruleIndex.get(f.check) ?? -1,
              level: SARIF_LEVEL[f.severity],
              message: { text: f.message },
              partialFingerprints: { 'netpolAudit/v1': f.fingerprint },
              locations: [
                {
                  ...(m ? { physicalLocation: { artifactLocation: { uri: m[1] }, ...(m[2] ? { region: { startLine: Number(m[2]) } } : {}) } } : {}),
                  logicalLocations: [{ fullyQualifiedName: [f.cluster, f.namespace, f.workload ?? f.policy].filter(Boolean).join('/'), kind: f.workload ? 'workload' : f.policy ? 'policy' : 'namespace' }],
                },
              ],
              properties: { severity: f.severity, cluster: f.cluster, controls: f.controls.map(controlLabel) },
              ...(f.suppression ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.suppression.reason} (owner ${f.suppression.owner}, until ${f.suppression.expires})` }] } : {}),
            };
          }),
        ),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
