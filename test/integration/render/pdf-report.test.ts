/**
 * The report printed by a real headless Chromium, read back with poppler (pdfinfo, pdftotext, pdftoppm).
 * With NETPOL_AUDIT_UPDATE_DOCS=1 the page-one PNG is also written to docs/images/report-page-1.png.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/adapters/render/html-report.js';
import { chromiumArgs, findChromium, PdfPrinter } from '../../../src/adapters/render/pdf-printer.js';
import { writeReportFiles } from '../../../src/adapters/render/report-files.js';
import { EnvironmentError } from '../../../src/core/model/user-error.js';
import { SAMPLE_CONNECTIVITY } from '../../fixtures/report/sample-connectivity.js';
import { CLUSTER_MISSING, CLUSTER_OK, HOSTILE_NAMESPACE, sampleReportModel } from '../../fixtures/report/sample-report-model.js';
import { both, chromiumAvailability, popplerAvailability } from '../../support/chromium.js';
import { describeWith } from '../../support/infra.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));

function pdfInfo(file: string): { pages: number; pageSize: string; title: string } {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(out)?.[1]?.trim() ?? '';
  return { pages: Number(field('Pages')), pageSize: field('Page size'), title: field('Title') };
}

function pageText(file: string, page: number): string {
  return execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });
}

describeWith('Chromium and poppler-utils', both(chromiumAvailability(), popplerAvailability()), 'PDF report (real Chromium)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'netpol-audit-pdf-'));
  const model = sampleReportModel();
  const printer = new PdfPrinter({ timeoutSeconds: 120 });
  let a4 = '';
  let pages = 0;

  beforeAll(async () => {
    const result = await writeReportFiles({
      outputDir: path.join(tmp, 'a4'),
      model,
      connectivity: new Map([[CLUSTER_OK, SAMPLE_CONNECTIVITY]]),
      pdf: { printer, pageSize: 'A4' },
    });
    expect(result.pdf.status, JSON.stringify(result.pdf)).toBe('written');
    a4 = path.join(tmp, 'a4', 'report.pdf');
    pages = pdfInfo(a4).pages;
  });

  afterAll(async () => {
    await printer.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('prints several A4 pages with a title, small enough to email', () => {
    const info = pdfInfo(a4);
    // untagged: a tagged PDF is an order of magnitude larger (see pdf-printer.ts)
    expect(statSync(a4).size).toBeLessThan(1_000_000);
    expect(info.pages).toBeGreaterThan(5);
    expect(info.pages).toBeLessThan(40);
    expect(info.pageSize).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)$/);
    expect(info.title).toBe('Network containment report 2026-Q3 · Northwind Payments Ltd');
  });

  it('shows period, clusters, score and grade on page one, and says a cluster has no data', () => {
    const one = pageText(a4, 1);
    expect(one).toContain('2026-Q3');
    expect(one).toContain('1 Jul – 30 Sep 2026');
    expect(one).toContain(CLUSTER_OK);
    expect(one).toContain(CLUSTER_MISSING);
    expect(one).toContain('81.3');
    expect(one).toContain('Grade B');
    expect(one).toContain('Missing data.');
    expect(one).toContain('1 Oct 2026 06:00 UTC');
    // all of page one fits on page one; trends start on page 2
    expect(one).toContain('Open findings');
    expect(one).toContain('CIS Kubernetes Benchmark 5.3.2');
    expect(one).not.toContain('Trends');
    expect(pageText(a4, 2)).toContain('Trends');
  });

  it('runs a header and a "Page X of N" footer on every page', () => {
    for (const p of [1, 2, pages]) {
      const text = pageText(a4, p);
      expect(text).toContain(`Page ${p} of ${pages}`);
      expect(text).toContain('Northwind Payments Ltd · Network containment report');
      expect(text).toContain('Generated 1 Oct 2026 06:00 UTC · netpol-audit 0.1.0');
    }
  });

  it('repeats the header of a table that spans pages, and keeps the hostile values as text', () => {
    const texts = Array.from({ length: pages }, (_, i) => pageText(a4, i + 1));
    const withRows = texts.map((t, i) => ({ t, page: i + 1 })).filter(({ t }) => /prod-eu-1\s+(NP|ANP|BANP)\s/.test(t));
    expect(withRows.length).toBeGreaterThan(1);
    for (const { t, page } of withRows) {
      expect(t, `page ${page}`).toMatch(/Cluster\s+Kind\s+Namespace\s+Name\s+Selects\s+Pods/);
    }
    // the heading is printed once; the continuation pages carry only the repeated column header
    expect(withRows.filter(({ t }) => t.includes('A.2 Network policies'))).toHaveLength(1);
    expect(texts.join('\n')).toContain(HOSTILE_NAMESPACE);
  });

  it('starts each major section on a new page', () => {
    const texts = Array.from({ length: pages }, (_, i) => pageText(a4, i + 1));
    const starts = ['2 Trends', '3 Clusters and namespaces', '4 Findings by severity', '5 Controls', '6 Change since 2026-Q2', '7 Blast radius', '8 Exceptions', '9 Review and sign-off', 'A Appendix'];
    for (const heading of starts) {
      const page = texts.findIndex((t) => t.includes(heading));
      expect(page, heading).toBeGreaterThan(0);
      // the heading is the first line of body text, under the running header
      const body = texts[page]!.split('\n').filter((l) => l.trim()).slice(1, 2).join('');
      expect(body.trim(), heading).toBe(heading);
    }
  });

  it('keeps page one on one page for a fleet with many clusters, several without data', async () => {
    const base = sampleReportModel();
    const clusters = [CLUSTER_OK, ...Array.from({ length: 8 }, (_, i) => `edge-site-${i + 1}`)];
    const fleet = sampleReportModel({
      clusters,
      missing: clusters.slice(4).map((cluster) => ({ cluster, kind: 'no-snapshot' as const, reason: 'no snapshot between 2026-07-01 and 2026-09-30: the collector could not reach the API server' })),
      findingsByControl: [...base.findingsByControl, ...base.findingsByControl.slice(0, 3)],
    });
    const dir = path.join(tmp, 'fleet');
    const result = await writeReportFiles({ outputDir: dir, model: fleet, pdf: { printer, pageSize: 'A4' } });
    expect(result.pdf.status).toBe('written');
    const one = pageText(path.join(dir, 'report.pdf'), 1);
    expect(one).toContain('9 clusters');
    expect(one).toMatch(/5 without data/i);
    expect(one).toContain('Open findings');
    expect(pageText(path.join(dir, 'report.pdf'), 2)).toMatch(/^\s*\S.*\n+\s*2 Trends/);
  });

  it('prints Letter when asked, reusing the same browser', async () => {
    const launchesBefore = printer.launches;
    const dir = path.join(tmp, 'letter');
    const result = await writeReportFiles({ outputDir: dir, model, pdf: { printer, pageSize: 'Letter' } });
    expect(result.pdf.status).toBe('written');
    expect(pdfInfo(path.join(dir, 'report.pdf')).pageSize).toMatch(/^612 x 792 pts \(letter\)$/);
    expect(printer.launches).toBe(launchesBefore);
    expect(printer.launches).toBe(1);
  });

  it('loads nothing from the network while printing', async () => {
    let hits = 0;
    const server: Server = createServer((_req, res) => {
      hits += 1;
      res.end('body{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const html = `<!DOCTYPE html><html><head><link rel="stylesheet" href="${base}/x.css"><style>@import url("${base}/y.css"); @font-face { font-family: x; src: url("${base}/f.woff2"); } body { font-family: x; }</style></head><body><p>offline</p><img src="${base}/i.png"><script src="${base}/s.js"></script><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>`;
      const htmlPath = path.join(tmp, 'remote.html');
      writeFileSync(htmlPath, html);
      const printed = await printer.printFile(htmlPath, path.join(tmp, 'remote.pdf'), { pageSize: 'A4', title: 't', period: 'p' });
      expect(hits).toBe(0);
      expect(printed.blockedRequests.length).toBeGreaterThanOrEqual(3);
      for (const u of printed.blockedRequests) expect(u.startsWith(base)).toBe(true);
      expect(pageText(path.join(tmp, 'remote.pdf'), 1)).toContain('offline');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('makes a page-one PNG for the README', () => {
    const prefix = path.join(tmp, 'page');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', a4, prefix]);
    const png = readFileSync(`${prefix}.png`);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(`${prefix}.png`).size).toBeLessThan(300_000);
    if (process.env['NETPOL_AUDIT_UPDATE_DOCS'] === '1') {
      mkdirSync(path.join(ROOT, 'docs', 'images'), { recursive: true });
      copyFileSync(`${prefix}.png`, path.join(ROOT, 'docs', 'images', 'report-page-1.png'));
    }
  });

  it('renders HTML in which the browser finds no script and every chart parses as SVG', async () => {
    const profile = mkdtempSync(path.join(os.tmpdir(), 'netpol-audit-chromium-test-'));
    const browser = await puppeteer.launch({ executablePath: findChromium(), headless: true, args: chromiumArgs(profile) });
    try {
      const page = await browser.newPage();
      await page.setJavaScriptEnabled(false);
      await page.setContent(renderReportHtml(model), { waitUntil: 'load' });
      expect(await page.$$('script')).toHaveLength(0);
      expect(await page.$$('b')).toHaveLength(0);
      expect(await page.$$('svg')).toHaveLength(2 + model.trends.length);
      // the hostile namespace is text in the namespace table
      const cells = await page.$$eval('table.namespaces td.mono', (tds) => tds.map((td) => td.textContent));
      expect(cells).toContain(HOSTILE_NAMESPACE);
      // every SVG is well-formed XML for a strict parser
      // nothing is wider than the printable width of A4 or Letter, so Chromium never shrinks the pages:
      // long names without hyphens wrap inside their cells
      await page.emulateMediaType('print');
      for (const width of [688, 710]) {
        await page.setViewport({ width, height: 1000 });
        const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `overflow at ${width}px`).toBe(0);
      }
      const errors = await page.$$eval('svg', (svgs) =>
        svgs.map((s) => {
          const g = globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, m: string): { getElementsByTagName(n: string): { length: number } } }; XMLSerializer: new () => { serializeToString(n: unknown): string } };
          const xml = new g.XMLSerializer().serializeToString(s);
          return new g.DOMParser().parseFromString(xml, 'image/svg+xml').getElementsByTagName('parsererror').length;
        }),
      );
      expect(errors.every((n) => n === 0)).toBe(true);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

describe('Chromium discovery', () => {
  it('names what to install when no Chromium is found', () => {
    let err: unknown;
    try {
      findChromium({ env: {}, candidates: ['/nonexistent/chromium', '/nonexistent/google-chrome'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).exitCode).toBe(3);
    expect((err as Error).message).toContain('no Chromium or Chrome found');
    expect((err as EnvironmentError).hint).toContain('apt-get install chromium');
    expect((err as EnvironmentError).hint).toContain('report.pdf.chromiumPath');
    expect((err as EnvironmentError).hint).toContain('PUPPETEER_EXECUTABLE_PATH');
  });

  it('prefers the configured path, then PUPPETEER_EXECUTABLE_PATH, then the usual places', () => {
    const node = process.execPath; // any executable file stands in for a browser here
    expect(findChromium({ configuredPath: node, env: { PUPPETEER_EXECUTABLE_PATH: '/nonexistent' } })).toBe(node);
    expect(findChromium({ env: { PUPPETEER_EXECUTABLE_PATH: node }, candidates: [] })).toBe(node);
    expect(findChromium({ env: {}, candidates: ['/nonexistent/a', node] })).toBe(node);
    expect(() => findChromium({ configuredPath: '/nonexistent/chromium' })).toThrow(/report\.pdf\.chromiumPath \/nonexistent\/chromium/);
    expect(() => findChromium({ env: { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/c' } })).toThrow(/PUPPETEER_EXECUTABLE_PATH \/nonexistent\/c/);
  });

  it('fails printing with the EnvironmentError, and launches nothing', async () => {
    const printer = new PdfPrinter({ configuredPath: '/nonexistent/chromium' });
    await expect(printer.print('<p>x</p>', { pageSize: 'A4', title: 't', period: 'p' })).rejects.toThrow(EnvironmentError);
    expect(printer.launches).toBe(0);
    await printer.close();
  });
});
