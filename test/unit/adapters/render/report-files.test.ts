import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../../src/adapters/render/atomic-write.js';
import { PdfPrinter } from '../../../../src/adapters/render/pdf-printer.js';
import {
  clusterFileName,
  FINDINGS_CSV_HEADER,
  findingExports,
  writeReportFiles,
} from '../../../../src/adapters/render/report-files.js';
import { EnvironmentError } from '../../../../src/core/model/user-error.js';
import { SAMPLE_CONNECTIVITY } from '../../../fixtures/report/sample-connectivity.js';
import { ALL_FINDINGS, CLUSTER_OK, HOSTILE_NAMESPACE, sampleReportModel } from '../../../fixtures/report/sample-report-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'netpol-audit-report-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Minimal RFC 4180 reader for checking what we wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  return rows;
}

describe('report files', () => {
  const model = sampleReportModel();

  it('writes report.html, findings.csv, findings.json and one connectivity CSV per cluster, listing sizes', async () => {
    const dir = path.join(tmp, 'all');
    const result = await writeReportFiles({ outputDir: dir, model, connectivity: new Map([[CLUSTER_OK, SAMPLE_CONNECTIVITY]]) });
    expect(result.files.map((f) => [f.kind, path.basename(f.path)])).toEqual([
      ['html', 'report.html'],
      ['findings-csv', 'findings.csv'],
      ['findings-json', 'findings.json'],
      ['connectivity-csv', 'connectivity-prod-eu-1.csv'],
    ]);
    for (const f of result.files) expect(f.bytes).toBe(statSync(f.path).size);
    expect(result.pdf).toEqual({ status: 'disabled' });
    expect(readdirSync(dir).sort()).toEqual(['connectivity-prod-eu-1.csv', 'findings.csv', 'findings.json', 'report.html']);
    expect(readFileSync(result.htmlPath, 'utf8')).toContain('<code>connectivity-prod-eu-1.csv</code>');
  });

  it('exports every finding with the columns an auditor filters on, formula-safe', async () => {
    const dir = path.join(tmp, 'csv');
    await writeReportFiles({ outputDir: dir, model });
    const rows = parseCsv(readFileSync(path.join(dir, 'findings.csv'), 'utf8'));
    expect(rows[0]).toEqual([...FINDINGS_CSV_HEADER]);
    expect(rows).toHaveLength(ALL_FINDINGS.length + 1);
    const col = (name: string): number => rows[0]!.indexOf(name);
    // most severe first
    expect(rows[1]![col('severity')]).toBe('critical');
    expect(rows.at(-1)![col('severity')]).toBe('info');
    const proxy = rows.find((r) => r[col('workload')] === 'kube-system/kube-proxy[DaemonSet]')!;
    expect(proxy[col('suppressed')]).toBe('yes');
    expect(proxy[col('exception_owner')]).toBe('platform-team@example.com');
    expect(proxy[col('exception_expires')]).toBe('2027-03-31');
    expect(proxy[col('status')]).toBe('persisting');
    expect(proxy[col('controls')]).toBe('NIST SP 800-53 SC-7');
    const hostile = rows.find((r) => r[col('namespace')] === HOSTILE_NAMESPACE && r[col('check')] === 'default-deny-missing')!;
    expect(hostile[col('status')]).toBe('new');
    expect(hostile[col('controls')]).toBe('CIS Kubernetes Benchmark 5.3.2');
    expect(new Set(rows.slice(1).map((r) => r[col('fingerprint')])).size).toBe(ALL_FINDINGS.length);
  });

  it('protects spreadsheet users from formula injection in cluster values', async () => {
    const dir = path.join(tmp, 'formula');
    const evil = sampleReportModel({
      findingsBySeverity: [
        { severity: 'high', count: 1, checks: [{ check: 'pod-host-network', title: 'x', severity: 'high', rationale: '', remediation: '', findings: [{ ...ALL_FINDINGS[0]!, namespace: '=HYPERLINK("http://evil")', message: '+1+1' }] }] },
      ],
    });
    await writeReportFiles({ outputDir: dir, model: evil, connectivity: new Map([[CLUSTER_OK, SAMPLE_CONNECTIVITY]]) });
    const csv = readFileSync(path.join(dir, 'findings.csv'), 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain("'+1+1");
    expect(readFileSync(path.join(dir, 'connectivity-prod-eu-1.csv'), 'utf8')).toContain("'=cmd|calc[Pod]");
  });

  it('writes findings.json with the same findings, controls as arrays and a summary', async () => {
    const dir = path.join(tmp, 'json');
    await writeReportFiles({ outputDir: dir, model });
    const json = JSON.parse(readFileSync(path.join(dir, 'findings.json'), 'utf8')) as {
      period: { label: string };
      missing: unknown[];
      summary: Record<string, { open: number; suppressed: number }>;
      findings: ReturnType<typeof findingExports>;
    };
    expect(json.period.label).toBe('2026-Q3');
    expect(json.missing).toHaveLength(1);
    expect(json.findings).toEqual(JSON.parse(JSON.stringify(findingExports(model))));
    expect(json.summary['high']).toEqual({ open: 5, suppressed: 2 });
    const f = json.findings.find((x) => x.check === 'default-deny-missing')!;
    expect(f.controls).toEqual(['CIS Kubernetes Benchmark 5.3.2']);
    expect(f.exception).toBeNull();
  });

  it('keeps report.html and the exports when the PDF cannot be printed, and says why', async () => {
    const dir = path.join(tmp, 'no-chromium');
    const printer = new PdfPrinter({ configuredPath: path.join(tmp, 'no-such-chromium') });
    const result = await writeReportFiles({ outputDir: dir, model, pdf: { printer, pageSize: 'A4' } });
    await printer.close();
    expect(result.pdf.status).toBe('failed');
    const error = (result.pdf as { error: Error }).error;
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.message).toContain('report.pdf.chromiumPath');
    expect(readdirSync(dir).sort()).toEqual(['findings.csv', 'findings.json', 'report.html']);
    expect(result.files.map((f) => f.kind)).toEqual(['html', 'findings-csv', 'findings-json']);
  });

  it('names connectivity files safely for any cluster name, without collisions', async () => {
    expect(clusterFileName('arn:aws:eks:eu-west-1:123:cluster/prod')).toBe('arn_aws_eks_eu-west-1_123_cluster_prod');
    expect(clusterFileName('../../etc')).toBe('etc');
    expect(clusterFileName('')).toBe('cluster');
    const dir = path.join(tmp, 'names');
    const result = await writeReportFiles({ outputDir: dir, model, connectivity: new Map([['a/b', SAMPLE_CONNECTIVITY], ['a:b', SAMPLE_CONNECTIVITY]]) });
    expect(result.files.filter((f) => f.kind === 'connectivity-csv').map((f) => [f.cluster, path.basename(f.path)])).toEqual([
      ['a/b', 'connectivity-a_b.csv'],
      ['a:b', 'connectivity-a_b-2.csv'],
    ]);
  });
});

describe('atomic writes', () => {
  it('replaces a file whole and leaves no temporary file', async () => {
    const dir = path.join(tmp, 'atomic');
    mkdirSync(dir);
    const file = path.join(dir, 'x.txt');
    await writeFileAtomic(file, 'old');
    expect(await writeFileAtomic(file, 'new content')).toBe(11);
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['x.txt']);
  });

  it('cleans up its temporary file when the write fails', async () => {
    const dir = path.join(tmp, 'atomic-fail');
    mkdirSync(path.join(dir, 'target'), { recursive: true });
    // renaming a file over a non-empty directory fails
    mkdirSync(path.join(dir, 'target', 'inside'));
    await expect(writeFileAtomic(path.join(dir, 'target'), 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['target']);
  });
});
