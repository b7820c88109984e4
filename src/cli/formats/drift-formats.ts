/**
 * Drift output: the connectivity `changes` (the diff JSON contract) plus exposure, policy, label and finding
 * sections. Beyond the engine's limits `notAnalysed` says why; `changes` is null unless both sides' connections
 * are listed (from reach blocks when the listing fits), `exposure` null unless both sides have allow sets.
 */
import type { DriftOutcome } from '../../app/drift-between.js';
import type { ConnectivityChange } from '../../core/diff/connectivity-diff.js';
import type { ExposureDrift, PolicyDrift } from '../../core/diff/drift.js';
import { formatFieldChange } from '../../core/diff/object-diff.js';
import { findingJson } from './audit-formats.js';
import { connectivityChangesJson, formatConnectivityChangesMd, formatConnectivityChangesTxt } from './diff-formats.js';
import { mdTable } from './markdown.js';

export function driftJson(o: DriftOutcome) {
  const d = o.drift;
  return {
    changes: connectionsOf(o) ? connectivityChangesJson(connectionsOf(o)!) : null,
    exposure: exposureJson(exposureOf(o)),
    ...(o.complete ? {} : { notAnalysed: o.notAnalysed }),
    policies: d.policies.map((p) => ({ change: p.change, kind: p.kind, ...(p.namespace ? { namespace: p.namespace } : {}), name: p.name, fields: p.fields })),
    coverage: d.coverage,
    findings: { new: d.findings.new.map(findingJson), resolved: d.findings.resolved.map(findingJson), persisting: d.findings.persisting.length },
  };
}

const exposureOf = (o: DriftOutcome): ExposureDrift | null => (o.complete ? o.drift : o.exposure);
const connectionsOf = (o: DriftOutcome): readonly ConnectivityChange[] | null => (o.complete ? o.drift.connections : o.connections);
const connectionsTxt = (c: readonly ConnectivityChange[]) => `Connectivity (${c.length} change${c.length === 1 ? '' : 's'}):\n${formatConnectivityChangesTxt(c)}`;
const exposureJson = (e: ExposureDrift | null) => (e ? { newlyInternetExposed: e.newlyInternetExposed, newlyCrossNamespaceExposed: e.newlyCrossNamespaceExposed } : null);

function policyLine(p: PolicyDrift['policies'][number]): string {
  const name = `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
  if (p.change !== 'modified') return `${p.change === 'added' ? '+' : '-'} ${name}\n`;
  return `~ ${name}\n${p.fields.map((f) => `    ${formatFieldChange(f)}\n`).join('')}`;
}

function exposureTxt(d: ExposureDrift): string {
  let out = `Newly exposed:\n`;
  if (!d.newlyInternetExposed.length && !d.newlyCrossNamespaceExposed.length) out += '  none\n';
  for (const e of d.newlyInternetExposed) out += `  ${e.workload}: ${e.direction === 'ingress' ? 'now reachable from the internet' : 'can now reach the internet'}\n`;
  for (const e of d.newlyCrossNamespaceExposed) out += `  ${e.workload}: now reachable from namespace${e.namespaces.length === 1 ? '' : 's'} ${e.namespaces.join(', ')}\n`;
  return out;
}

/**
 * How far a drift beyond the engine's limits compared, as a txt headline and an md heading with its text:
 * connections and exposure (both sides listed from reach blocks), exposure only, or the policy drift only.
 */
function limitHeadings(o: Extract<DriftOutcome, { complete: false }>): { txt: string; md: string } {
  if (!o.exposure) {
    return {
      txt: 'Connectivity and exposure: NOT ANALYSED (beyond the engine limits; the policy drift and the policy-level findings follow)',
      md: '## Connectivity and exposure: not analysed\n\nBeyond the engine limits; the policy drift and the policy-level findings follow.',
    };
  }
  if (o.connections) {
    return {
      txt: 'Beyond the engine limits, analysed from reach blocks (connections and exposure compared; findings of the checks that ran on both sides)',
      md: '## Beyond the engine limits\n\nAnalysed from reach blocks: connections and exposure compared; findings of the checks that ran on both sides.',
    };
  }
  return {
    txt: 'Connectivity: NOT COMPARED (beyond the engine limits, analysed from reach blocks; exposure, the policy drift and the findings of the checks that ran on both sides follow)',
    md: '## Connectivity: not compared\n\nBeyond the engine limits, analysed from reach blocks; exposure, the policy drift and the findings of the checks that ran on both sides follow.',
  };
}

export function formatDriftTxt(o: DriftOutcome): string {
  const d = o.drift;
  const connections = connectionsOf(o);
  const exposure = exposureOf(o);
  let out = [
    ...(o.complete ? [] : [`${limitHeadings(o).txt}:\n${o.notAnalysed.map((r) => `  ${r}\n`).join('')}`]),
    ...(connections ? [connectionsTxt(connections)] : []),
    ...(exposure ? [exposureTxt(exposure)] : []),
  ].join('\n');
  out += `\nPolicies (${d.policies.length} change${d.policies.length === 1 ? '' : 's'}):\n${d.policies.length ? d.policies.map(policyLine).join('') : '  none\n'}`;
  out += `\nLabel changes that altered coverage:\n`;
  if (!d.coverage.length) out += '  none\n';
  for (const c of d.coverage) {
    out += `  ${c.kind} ${c.name}: ${c.labels.map(formatFieldChange).join('; ')}\n`;
    if (c.nowCoveredBy.length) out += `    now covered by ${c.nowCoveredBy.join(', ')}\n`;
    if (c.noLongerCoveredBy.length) out += `    no longer covered by ${c.noLongerCoveredBy.join(', ')}\n`;
  }
  out += `\nFindings: ${d.findings.new.length} new, ${d.findings.resolved.length} resolved, ${d.findings.persisting.length} persisting\n`;
  for (const f of d.findings.new) out += `  + ${f.severity.toUpperCase()} ${f.check}: ${f.message}\n`;
  for (const f of d.findings.resolved) out += `  - ${f.severity.toUpperCase()} ${f.check}: ${f.message}\n`;
  return out;
}

function exposureMd(d: ExposureDrift): string {
  return `## Newly exposed\n\n${mdTable(['Workload', 'Exposure'], [
    ...d.newlyInternetExposed.map((e) => [e.workload, e.direction === 'ingress' ? 'reachable from the internet' : 'reaches the internet']),
    ...d.newlyCrossNamespaceExposed.map((e) => [e.workload, `reachable from ${e.namespaces.join(', ')}`]),
  ])}`;
}

export function formatDriftMd(o: DriftOutcome): string {
  const d = o.drift;
  const connections = connectionsOf(o);
  const exposure = exposureOf(o);
  let out = [
    ...(o.complete ? [] : [`${limitHeadings(o).md}\n\n${o.notAnalysed.map((r) => `- ${r}\n`).join('')}`]),
    ...(connections ? [`## Connectivity\n\n${formatConnectivityChangesMd(connections)}`] : []),
    ...(exposure ? [exposureMd(exposure)] : []),
  ].join('\n');
  out += `\n## Policies\n\n${mdTable(['Change', 'Policy', 'Fields'], d.policies.map((p) => [p.change, `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`, p.fields.map(formatFieldChange).join('<br>')]))}`;
  out += `\n## Findings\n\n${mdTable(['Status', 'Severity', 'Check', 'Message'], [
    ...d.findings.new.map((f) => ['new', f.severity, f.check, f.message]),
    ...d.findings.resolved.map((f) => ['resolved', f.severity, f.check, f.message]),
  ])}`;
  return out;
}
