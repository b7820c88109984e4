/**
 * The report from end to end: a history of several quarters made by the engine from the example manifests,
 * `netpol-audit report --pdf --email` as a process, the PDF read back with pdftotext/pdfinfo, and the mail
 * received by a real SMTP server on loopback and parsed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { both, chromiumAvailability, popplerAvailability } from '../../support/chromium.js';
import { runCliProcess } from '../../support/cli-process.js';
import { describeWith } from '../../support/infra.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../support/smtp-test-server.js';

const STAGES: [string, string][] = [
  ['examples/evolution/1-no-policies', '2025-12-20T00:00:00Z'],
  ['examples/evolution/2-storefront', '2026-03-20T00:00:00Z'],
  ['examples/evolution/3-payments', '2026-06-20T00:00:00Z'],
  ['examples/shop', '2026-09-20T00:00:00Z'],
];

describeWith('Chromium and poppler-utils', both(chromiumAvailability(), popplerAvailability()), 'report end to end', () => {
  let dir: string;
  let smtp: SmtpTestServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'npa-report-e2e-'));
    smtp = await startSmtpTestServer({ user: 'auditor', password: 's3cret-Passw0rd' });
    const store = join(dir, 'history.sqlite');
    for (const [folder, at] of STAGES) {
      const r = await runCliProcess(['snapshot', '--manifests', resolve(folder), '--cluster', 'prod', '--taken-at', at, '--store', store]);
      expect(r.code, r.stderr).toBe(0);
    }
    // a second cluster only seen in an earlier quarter, so the report must say it has no data
    expect((await runCliProcess(['snapshot', '--manifests', resolve('examples/shop'), '--cluster', 'staging', '--taken-at', '2026-05-01T00:00:00Z', '--store', store])).code).toBe(0);
    writeFileSync(join(dir, 'smtp-password'), 's3cret-Passw0rd\n');
    writeFileSync(
      join(dir, 'netpol-audit.yaml'),
      [
        `store: ${store}`,
        `report: { outputDir: ${join(dir, 'reports')}, organisation: Example Shop Ltd, trendPeriods: 4 }`,
        'email:',
        '  enabled: true',
        '  from: netpol-audit@example.com',
        `  smtp: { host: 127.0.0.1, port: ${smtp.port}, starttls: never, user: auditor, passwordFile: smtp-password }`,
        '  channels:',
        '    - { name: security, to: [security@example.com], cc: [ciso@example.com] }',
        '    - { name: payments, to: [payments@example.com], namespaces: { labels: { team: payments } } }',
        '',
      ].join('\n'),
    );
    env = { ...process.env, NETPOL_AUDIT_STORE: '', NETPOL_AUDIT_NOW: '2026-10-05T08:00:00Z' };
  }, 120_000);
  afterAll(async () => smtp?.close());

  it('renders, prints and mails the last closed quarter from the history', async () => {
    const r = await runCliProcess(['report', '--config', join(dir, 'netpol-audit.yaml'), '--pdf', '--email', '--reviewer', 'Dana Auditor', '-q'], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^Report 2026-Q3 for prod, staging: containment 56\.3 \(F\); no data for staging$/m);
    const out = join(dir, 'reports', '2026-Q3');
    for (const f of ['report.html', 'report.pdf', 'findings.csv', 'findings.json', 'connectivity-prod.csv']) expect(r.stdout).toContain(join(out, f));
    expect(r.stdout).not.toContain('s3cret');

    // the HTML: content from the history, drift against 2026-Q2, trends over four quarters
    const html = readFileSync(join(out, 'report.html'), 'utf8').replace(/<wbr>/g, ''); // long names carry break points
    expect(html).toContain('2026-Q3');
    expect(html).toContain('Example Shop Ltd');
    expect(html).toMatch(/staging/);
    expect(html).toContain('Dana Auditor');
    expect(html).toContain('<td class="mono ns">payments</td><td class="mono name">default-deny-ingress</td>'); // appendix row

    // the PDF: several pages, page one with period, clusters, score and grade
    const pages = Number(execFileSync('pdfinfo', [join(out, 'report.pdf')], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)![1]);
    expect(pages).toBeGreaterThan(3);
    const page1 = execFileSync('pdftotext', ['-f', '1', '-l', '1', '-layout', join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
    for (const text of ['2026-Q3', 'prod', 'staging', '56.3', 'Example Shop Ltd']) expect(page1).toContain(text);
    expect(page1).toMatch(/Page 1 of \d+/);

    // the mail: one message per channel, with recipients, subject, summary and the PDF
    expect(smtp.messages).toHaveLength(2);
    const byRcpt = new Map(smtp.messages.map((m) => [m.recipients.join(','), m]));
    const security = await simpleParser(byRcpt.get('security@example.com,ciso@example.com')!.raw);
    expect(security.subject).toBe('Network containment report 2026-Q3: grade F (56.3)');
    expect(security.text).toContain('56.3');
    expect(security.html).toContain('2026-Q3');
    expect(security.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    expect(security.attachments[0]!.content.equals(readFileSync(join(out, 'report.pdf')))).toBe(true);
    const payments = await simpleParser(byRcpt.get('payments@example.com')!.raw);
    expect(payments.html).toContain('payments');
    // the payments channel sees only its namespaces
    const channelHtml = readFileSync(join(out, 'channels', 'payments', 'report.html'), 'utf8').replace(/<wbr>/g, '');
    expect(channelHtml).toContain('payments/api');
    expect(channelHtml).not.toContain('shop/cart');
  }, 180_000);
});
