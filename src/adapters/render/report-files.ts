/**
 * Writes a report's output folder: report.html first, then the machine-readable exports (findings.csv,
 * findings.json, connectivity-<cluster>.csv), then report.pdf. Every file is written atomically. A PDF
 * that cannot be printed does not throw: the result says why, and everything else stays on disk.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { WorkloadConnectivity } from '../../core/engine/workload-connectivity.js';
import type { FindingView, ReportModel } from '../../core/report/report-model.js';
import { SEVERITIES, severityRank } from '../../core/findings/severity.js';
import { formatConnectivity } from '../../cli/formats/connectivity-formats.js';
import { csvTable } from '../../cli/formats/csv.js';
import { writeFileAtomic } from './atomic-write.js';
import { renderReportHtml, formatDateTime, reportTitle, type ReportRenderOptions } from './html-report.js';
import type { PdfPrinter } from './pdf-printer.js';

export type ReportFileKind = 'html' | 'pdf' | 'findings-csv' | 'findings-json' | 'connectivity-csv';

export interface WrittenFile {
  readonly kind: ReportFileKind;
  readonly path: string;
  readonly bytes: number;
  /** For connectivity files: the cluster. */
  readonly cluster?: string;
}

export interface ReportFilesInput {
  readonly outputDir: string;
  readonly model: ReportModel;
  /** Per cluster, its workload connectivity at the period's snapshot (clusters without data are left out). */
  readonly connectivity?: ReadonlyMap<string, WorkloadConnectivity>;
  /** Print report.pdf with this printer (one per run; the caller closes it). Absent: no PDF. */
  readonly pdf?: { readonly printer: PdfPrinter; readonly pageSize: 'A4' | 'Letter' };
  readonly render?: Omit<ReportRenderOptions, 'exportFiles' | 'pageSize'>;
}

export type PdfOutcome =
  | { readonly status: 'written'; readonly path: string; readonly bytes: number; readonly blockedRequests: readonly string[] }
  | { readonly status: 'disabled' }
  | { readonly status: 'failed'; readonly error: Error };

export interface ReportFilesResult {
  readonly outputDir: string;
  /** Every file written, in the order written, with its size. */
  readonly files: readonly WrittenFile[];
  readonly htmlPath: string;
  readonly pdf: PdfOutcome;
}

/** A cluster name as a file-name part: `arn:aws:eks:eu-west-1:1:cluster/prod` -> `arn_aws_eks_eu-west-1_1_cluster_prod`. */
export function clusterFileName(cluster: string): string {
  const safe = cluster.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return safe || 'cluster';
}

export const FINDINGS_CSV_HEADER = [
  'cluster', 'severity', 'check', 'title', 'namespace', 'workload', 'policy', 'message', 'status', 'suppressed',
  'exception_owner', 'exception_reason', 'exception_expires', 'controls', 'fingerprint',
] as const;

export interface FindingExport {
  readonly cluster: string;
  readonly severity: string;
  readonly check: string;
  readonly title: string;
  readonly namespace: string | null;
  readonly workload: string | null;
  readonly policy: string | null;
  readonly message: string;
  /** new / persisting since the previous period; null without a previous period. */
  readonly status: 'new' | 'persisting' | null;
  readonly suppressed: boolean;
  readonly exception: { readonly owner: string; readonly reason: string; readonly expires: string } | null;
  readonly controls: readonly string[];
  readonly fingerprint: string;
}

/** Every finding of the model, most severe first, with the controls its check evidences. */
export function findingExports(model: ReportModel): FindingExport[] {
  const controlsByCheck = new Map<string, string[]>();
  for (const c of model.findingsByControl) {
    for (const ch of c.checks) {
      const list = controlsByCheck.get(ch.check) ?? [];
      if (!list.includes(c.label)) list.push(c.label);
      controlsByCheck.set(ch.check, list);
    }
  }
  // findingsByControl lists every enabled check, so the policy-level findings of clusters beyond the
  // engine's limits find their controls there too
  const all: FindingView[] = [...model.findingsBySeverity.flatMap((g) => g.checks.flatMap((c) => c.findings)), ...model.clusterSections.flatMap((s) => s.policyLevel?.findings ?? [])];
  const cmp = (a?: string, b?: string): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  all.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      cmp(a.check, b.check) ||
      cmp(a.cluster, b.cluster) ||
      cmp(a.namespace, b.namespace) ||
      cmp(a.workload, b.workload) ||
      cmp(a.policy, b.policy) ||
      cmp(a.fingerprint, b.fingerprint),
  );
  return all.map((f) => ({
    cluster: f.cluster,
    severity: f.severity,
    check: f.check,
    title: f.title,
    namespace: f.namespace ?? null,
    workload: f.workload ?? null,
    policy: f.policy ?? null,
    message: f.message,
    status: f.status ?? null,
    suppressed: f.suppressed,
    exception: f.suppression ? { owner: f.suppression.owner, reason: f.suppression.reason, expires: f.suppression.expires } : null,
    controls: [...(controlsByCheck.get(f.check) ?? [])].sort(),
    fingerprint: f.fingerprint,
  }));
}

export function findingsCsv(model: ReportModel): string {
  return csvTable(
    FINDINGS_CSV_HEADER,
    findingExports(model).map((f) => [
      f.cluster, f.severity, f.check, f.title, f.namespace, f.workload, f.policy, f.message, f.status ?? '',
      f.suppressed ? 'yes' : 'no', f.exception?.owner, f.exception?.reason, f.exception?.expires, f.controls.join('; '), f.fingerprint,
    ]),
  );
}

export function findingsJson(model: ReportModel): string {
  const findings = findingExports(model);
  const summary = Object.fromEntries(
    [...SEVERITIES].reverse().map((s) => [s, { open: findings.filter((f) => f.severity === s && !f.suppressed).length, suppressed: findings.filter((f) => f.severity === s && f.suppressed).length }]),
  );
  return `${JSON.stringify(
    {
      report: model.title,
      period: model.period,
      generatedAt: model.generatedAt,
      generator: model.generator,
      clusters: model.clusters,
      ...(model.namespaceScope ? { namespaceScope: model.namespaceScope } : {}),
      missing: model.missing,
      summary,
      findings,
    },
    null,
    2,
  )}\n`;
}

/**
 * Writes the folder. Order matters: report.html first (the printer reads it), exports next, the PDF last,
 * so whatever fails later never costs what was written before.
 */
export async function writeReportFiles(input: ReportFilesInput): Promise<ReportFilesResult> {
  const dir = input.outputDir;
  await mkdir(dir, { recursive: true });
  const files: WrittenFile[] = [];
  const write = async (kind: ReportFileKind, name: string, data: string, cluster?: string): Promise<string> => {
    const file = path.join(dir, name);
    const bytes = await writeFileAtomic(file, data);
    files.push({ kind, path: file, bytes, ...(cluster !== undefined ? { cluster } : {}) });
    return file;
  };

  // connectivity file names first: the appendix lists them
  const connectivityFiles: { cluster: string; name: string; connectivity: WorkloadConnectivity }[] = [];
  const used = new Set<string>();
  for (const [cluster, connectivity] of input.connectivity ?? new Map<string, WorkloadConnectivity>()) {
    let name = `connectivity-${clusterFileName(cluster)}.csv`;
    for (let i = 2; used.has(name); i++) name = `connectivity-${clusterFileName(cluster)}-${i}.csv`;
    used.add(name);
    connectivityFiles.push({ cluster, name, connectivity });
  }
  const exportFiles = ['findings.csv', 'findings.json', ...connectivityFiles.map((c) => c.name)];

  const html = renderReportHtml(input.model, { ...input.render, pageSize: input.pdf?.pageSize ?? 'A4', exportFiles });
  const htmlPath = await write('html', 'report.html', html);
  await write('findings-csv', 'findings.csv', findingsCsv(input.model));
  await write('findings-json', 'findings.json', findingsJson(input.model));
  for (const c of connectivityFiles) await write('connectivity-csv', c.name, formatConnectivity(c.connectivity, 'csv'), c.cluster);

  let pdf: PdfOutcome = { status: 'disabled' };
  if (input.pdf) {
    const pdfPath = path.join(dir, 'report.pdf');
    const m = input.model;
    try {
      const printed = await input.pdf.printer.printFile(htmlPath, pdfPath, {
        pageSize: input.pdf.pageSize,
        title: m.organisation ? `${m.organisation} · ${reportTitle(m)}` : reportTitle(m),
        period: m.namespaceScope ? `${m.period.label} · ${m.namespaceScope}` : m.period.label,
        footerNote: `Generated ${formatDateTime(m.generatedAt)} · ${m.generator}`,
      });
      files.push({ kind: 'pdf', path: pdfPath, bytes: printed.bytes });
      pdf = { status: 'written', path: pdfPath, bytes: printed.bytes, blockedRequests: printed.blockedRequests };
    } catch (err) {
      pdf = { status: 'failed', error: err instanceof Error ? err : new Error(String(err)) };
    }
  }
  return { outputDir: dir, files, htmlPath, pdf };
}
