/**
 * Delivery of the report against real SMTP servers (smtp-server on 127.0.0.1): AUTH PLAIN and LOGIN,
 * STARTTLS with a self-signed certificate, transient and permanent failures, size limits, dry run.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeNamespaceFilter } from '../../../src/adapters/mail/channel-filter.js';
import { ReportMailer, type MailLogEvent, type ReportMailerOptions } from '../../../src/adapters/mail/report-mailer.js';
import { writeReportFiles } from '../../../src/adapters/render/report-files.js';
import { deliverReport, type DeliveryResult } from '../../../src/app/deliver-report.js';
import type { EmailChannelConfig, SmtpConfig } from '../../../src/config/netpol-audit-config.js';
import { sampleReportModel } from '../../fixtures/report/sample-report-model.js';
import { describeWith } from '../../support/infra.js';
import { opensslAvailability, selfSignedCertificate, startSmtpTestServer, type SmtpTestServer } from '../../support/smtp-test-server.js';

const USER = 'netpol-mailer';
const PASSWORD = 'Sm7p-t3st-P4ssw0rd!';
const SECRET_FORMS = [
  PASSWORD,
  Buffer.from(PASSWORD).toString('base64'),
  Buffer.from(`\u0000${USER}\u0000${PASSWORD}`).toString('base64'),
];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'netpol-audit-delivery-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CHANNELS: EmailChannelConfig[] = [
  { name: 'security', to: ['security@example.com'], cc: ['auditor@example.org'], attachPdf: true },
  { name: 'payments', to: ['payments-lead@example.com', 'payments-oncall@example.com'], cc: [], attachPdf: true, namespaces: { labels: { team: 'payments' } }, subject: '[{channel}] Containment {period}: {grade} ({score}) for {clusters}' },
];

function smtp(port: number, over: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, secure: false, starttls: 'never', user: USER, password: PASSWORD, timeoutSeconds: 10, allowInvalidCertificates: false, ...over };
}

interface Run {
  readonly outputDir: string;
  readonly pdfPath: string;
  readonly result: DeliveryResult;
  readonly events: MailLogEvent[];
}

/** Writes the report folder (HTML, exports, a PDF file), then delivers it to the channels. */
async function run(name: string, mailer: Omit<ReportMailerOptions, 'outputDir' | 'log'>, channels = CHANNELS): Promise<Run> {
  const outputDir = path.join(tmp, name);
  await writeReportFiles({ outputDir, model: sampleReportModel() });
  // the PDF's bytes matter here, not its content (the PDF suite prints real ones)
  const pdfPath = path.join(outputDir, 'report.pdf');
  writeFileSync(pdfPath, Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(60_000), Buffer.from('\n%%EOF\n')]));
  const events: MailLogEvent[] = [];
  const sender = new ReportMailer({ retryBaseDelayMs: 20, ...mailer, outputDir, log: (e) => events.push(e) });
  try {
    const result = await deliverReport({
      channels,
      sender,
      renderChannel: async (channel) => {
        const scope = describeNamespaceFilter(channel.namespaces);
        return { model: sampleReportModel(scope ? { namespaceScope: scope } : {}), pdfPath, htmlPath: path.join(outputDir, 'report.html') };
      },
    });
    return { outputDir, pdfPath, result, events };
  } finally {
    sender.close();
  }
}

function expectNoSecrets(...values: unknown[]): void {
  const text = JSON.stringify(values);
  for (const s of SECRET_FORMS) expect(text).not.toContain(s);
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address ?? ''));

describeWith('SMTP server (smtp-server)', { available: true }, 'report delivery over SMTP', () => {
  describe('a plain relay with AUTH', () => {
    let server: SmtpTestServer;
    let delivered: Run;
    let parsed: ParsedMail[];

    beforeAll(async () => {
      server = await startSmtpTestServer({ user: USER, password: PASSWORD });
      delivered = await run('plain', { email: { from: 'netpol-audit <noreply@example.com>', smtp: smtp(server.port), maxMessageBytes: 10_000_000, retries: 2 } });
      parsed = await Promise.all(server.messages.map((m) => simpleParser(m.raw)));
    });
    afterAll(() => server.close());

    it('sends one message per channel to its own recipients', () => {
      expect(delivered.result).toMatchObject({ sent: 2, failed: 0, dryRun: 0 });
      expect(delivered.result.deliveries.map((d) => [d.channel, d.status])).toEqual([['security', 'sent'], ['payments', 'sent']]);
      expect(server.messages.map((m) => [...m.recipients].sort())).toEqual([
        ['auditor@example.org', 'security@example.com'],
        ['payments-lead@example.com', 'payments-oncall@example.com'],
      ]);
      expect(server.messages.every((m) => m.user === USER)).toBe(true);
      expect(server.authMethods).toEqual(['PLAIN', 'PLAIN']);
      expect(addresses(parsed[0]!.to)).toEqual(['security@example.com']);
      expect(addresses(parsed[0]!.cc)).toEqual(['auditor@example.org']);
      expect(addresses(parsed[1]!.to)).toEqual(['payments-lead@example.com', 'payments-oncall@example.com']);
    });

    it('uses the default subject, or the channel template', () => {
      expect(parsed[0]!.subject).toBe('Network containment report 2026-Q3: grade B (81.3)');
      expect(parsed[1]!.subject).toBe('[payments] Containment 2026-Q3: B (81.3) for prod-eu-1, prod-us-1');
    });

    it('carries the page-one summary as HTML with a plain-text alternative', () => {
      const m = parsed[0]!;
      expect(m.html).toContain('Network containment report · 2026-Q3');
      expect(m.html).toContain('Containment improved from 76.9 to 81.3 (grade B).');
      expect(m.html).not.toMatch(/<script/i);
      expect(m.text).toContain('Containment score: 81.3 / 100, grade B (+4.4 vs 76.9 in 2026-Q2)');
      expect(m.text).toContain('MISSING DATA');
      expect(parsed[1]!.text).toContain('Scope: namespaces labelled team=payments');
      expect(m.headers.get('auto-submitted')).toBe('auto-generated');
    });

    it('attaches the PDF byte for byte', () => {
      const pdf = readFileSync(delivered.pdfPath);
      for (const m of parsed) {
        expect(m.attachments).toHaveLength(1);
        expect(m.attachments[0]!.contentType).toBe('application/pdf');
        expect(m.attachments[0]!.filename).toMatch(/^network-containment-report-2026-Q3-(security|payments)\.pdf$/);
        expect(m.attachments[0]!.content.equals(pdf)).toBe(true);
      }
      expect(parsed[0]!.text).toContain('The full report is attached as network-containment-report-2026-Q3-security.pdf.');
    });

    it('records every send and its outcome, without the password', () => {
      expect(delivered.events.filter((e) => e.message.startsWith('sent '))).toHaveLength(2);
      expectNoSecrets(delivered.result, delivered.events);
    });

    it('replaces a PDF over the size limit with a link to the published report', async () => {
      const before = server.messages.length;
      const r = await run('too-large', {
        email: { from: 'noreply@example.com', smtp: smtp(server.port), maxMessageBytes: 50_000, retries: 0 },
        linkBaseUrl: 'https://reports.example.com/netpol',
      }, [CHANNELS[0]!]);
      expect(r.result.sent).toBe(1);
      const m = await simpleParser(server.messages[before]!.raw);
      expect(m.attachments).toHaveLength(0);
      expect(m.text).toContain('The full report is too large to attach. Read it at https://reports.example.com/netpol/report.pdf');
      expect(m.html).toContain('href="https://reports.example.com/netpol/report.pdf"');
      expect(r.result.deliveries[0]!.status === 'sent' && r.result.deliveries[0]!.outcome.attachment).toBe('dropped-too-large');
      expect(server.messages[before]!.raw.length).toBeLessThan(50_000);
      expect(r.events.some((e) => e.level === 'warn' && e.message.includes('PDF not attached'))).toBe(true);
    });

    it('fails on a wrong password without retrying and without writing the password anywhere', async () => {
      const before = server.messages.length;
      const r = await run('wrong-password', { email: { from: 'noreply@example.com', smtp: smtp(server.port, { password: `${PASSWORD}-wrong` }), maxMessageBytes: 10_000_000, retries: 3 } }, [CHANNELS[0]!]);
      expect(server.messages.length).toBe(before);
      const d = r.result.deliveries[0]!;
      expect(d.status).toBe('failed');
      expect(d.status === 'failed' && d.outcome?.attempts).toBe(1);
      expect(d.status === 'failed' && d.reason).toMatch(/535|Invalid login|Authentication/i);
      expectNoSecrets(r.result, r.events);
      expect(JSON.stringify([r.result, r.events])).not.toContain(`${PASSWORD}-wrong`);
    });
  });

  describe('a relay offering only AUTH LOGIN', () => {
    let server: SmtpTestServer;
    beforeAll(async () => {
      server = await startSmtpTestServer({ user: USER, password: PASSWORD, authMethods: ['LOGIN'] });
    });
    afterAll(() => server.close());

    it('authenticates with LOGIN', async () => {
      const r = await run('login', { email: { from: 'noreply@example.com', smtp: smtp(server.port), maxMessageBytes: 10_000_000, retries: 0 } }, [CHANNELS[0]!]);
      expect(r.result.sent).toBe(1);
      expect(server.authMethods).toEqual(['LOGIN']);
      expectNoSecrets(r.result, r.events);
    });
  });

  describe('transient and permanent failures', () => {
    it('retries a relay that answers 421 twice, then is sent', async () => {
      const server = await startSmtpTestServer({ user: USER, password: PASSWORD, failFirst: { times: 2, code: 421, message: '4.3.2 Service shutting down, try again later' } });
      try {
        const r = await run('retry', { email: { from: 'noreply@example.com', smtp: smtp(server.port), maxMessageBytes: 10_000_000, retries: 3 } }, [CHANNELS[0]!]);
        const d = r.result.deliveries[0]!;
        expect(d.status).toBe('sent');
        expect(d.status === 'sent' && d.outcome.attempts).toBe(3);
        expect(server.mailFromCount()).toBe(3);
        expect(server.messages).toHaveLength(1);
        const retries = r.events.filter((e) => e.level === 'warn' && e.message.includes('retrying in'));
        expect(retries.map((e) => /retrying in (\d+) ms/.exec(e.message)![1])).toEqual(['20', '40']);
        expect(retries[0]!.message).toContain('421');
        expectNoSecrets(r.result, r.events);
      } finally {
        await server.close();
      }
    });

    it('gives up after the configured retries', async () => {
      const server = await startSmtpTestServer({ user: USER, password: PASSWORD, failFirst: { times: 10, code: 451, message: '4.7.1 Greylisted' } });
      try {
        const r = await run('retry-exhausted', { email: { from: 'noreply@example.com', smtp: smtp(server.port), maxMessageBytes: 10_000_000, retries: 2 } }, [CHANNELS[0]!]);
        const d = r.result.deliveries[0]!;
        expect(d.status).toBe('failed');
        expect(d.status === 'failed' && d.outcome).toMatchObject({ attempts: 3, permanent: false });
        expect(server.mailFromCount()).toBe(3);
      } finally {
        await server.close();
      }
    });

    it('does not retry a 550, keeps the report files and still serves the other channel', async () => {
      const server = await startSmtpTestServer({ user: USER, password: PASSWORD, rejectRecipients: ['security@example.com', 'auditor@example.org'] });
      try {
        const r = await run('rejected', { email: { from: 'noreply@example.com', smtp: smtp(server.port), maxMessageBytes: 10_000_000, retries: 3 } });
        const [security, payments] = r.result.deliveries;
        expect(security!.status).toBe('failed');
        expect(security!.status === 'failed' && security!.reason).toContain('550');
        expect(security!.status === 'failed' && security!.outcome).toMatchObject({ attempts: 1, permanent: true });
        expect(payments!.status).toBe('sent');
        expect(server.messages).toHaveLength(1);
        expect(r.result).toMatchObject({ sent: 1, failed: 1 });
        expect(readdirSync(r.outputDir).sort()).toEqual(['findings.csv', 'findings.json', 'report.html', 'report.pdf']);
        expect(readFileSync(path.join(r.outputDir, 'report.html'), 'utf8')).toContain('2026-Q3');
        expectNoSecrets(r.result, r.events);
      } finally {
        await server.close();
      }
    });

    it('retries a refused connection, then reports it failed', async () => {
      const server = await startSmtpTestServer({ user: USER, password: PASSWORD });
      const port = server.port;
      await server.close(); // nothing listens there any more
      const r = await run('refused', { email: { from: 'noreply@example.com', smtp: smtp(port), maxMessageBytes: 10_000_000, retries: 1 } }, [CHANNELS[0]!]);
      const d = r.result.deliveries[0]!;
      expect(d.status).toBe('failed');
      expect(d.status === 'failed' && d.outcome).toMatchObject({ attempts: 2, permanent: false });
      expect(d.status === 'failed' && d.reason).toMatch(/ECONNREFUSED|ECONNECTION/);
      expect(existsSync(path.join(r.outputDir, 'report.html'))).toBe(true);
    });

    it('records a channel whose report cannot be built, and goes on', async () => {
      const server = await startSmtpTestServer({ user: USER, password: PASSWORD });
      const outputDir = path.join(tmp, 'render-fails');
      const sender = new ReportMailer({ email: { from: 'noreply@example.com', smtp: smtp(server.port), maxMessageBytes: 10_000_000, retries: 0 }, outputDir });
      try {
        const result = await deliverReport({
          channels: CHANNELS,
          sender,
          renderChannel: async (channel) => {
            if (channel.name === 'security') throw new Error('history store unavailable');
            return { model: sampleReportModel() };
          },
        });
        expect(result.deliveries.map((d) => d.status)).toEqual(['failed', 'sent']);
        expect(result.deliveries[0]!.status === 'failed' && result.deliveries[0]!.reason).toBe("cannot render the channel's report: history store unavailable");
        const m = await simpleParser(server.messages[0]!.raw);
        expect(m.attachments).toHaveLength(0);
        expect(m.text).toContain(`The full report is kept at ${outputDir} on the netpol-audit host.`);
      } finally {
        sender.close();
        await server.close();
      }
    });
  });

  describe('dry run', () => {
    it('writes a parsable .eml per channel and sends nothing', async () => {
      const server = await startSmtpTestServer({ user: USER, password: PASSWORD });
      try {
        const r = await run('dry-run', { email: { from: 'noreply@example.com', smtp: smtp(server.port), maxMessageBytes: 10_000_000, retries: 0 }, dryRun: true });
        expect(r.result).toMatchObject({ sent: 0, dryRun: 2, failed: 0 });
        expect(server.mailFromCount()).toBe(0);
        expect(server.messages).toHaveLength(0);
        const files = r.result.deliveries.map((d) => (d.status === 'dry-run' ? d.file : ''));
        expect(files.map((f) => path.basename(f))).toEqual(['email-security.eml', 'email-payments.eml']);
        const pdf = readFileSync(r.pdfPath);
        for (const [i, f] of files.entries()) {
          const m = await simpleParser(readFileSync(f));
          expect(addresses(m.to)).toEqual(CHANNELS[i]!.to);
          expect(m.attachments[0]!.content.equals(pdf)).toBe(true);
          expect(m.text).toContain('2026-Q3');
        }
        expectNoSecrets(r.result, r.events);
      } finally {
        await server.close();
      }
    });
  });
});

describeWith('openssl', opensslAvailability(), 'report delivery over SMTP with STARTTLS', () => {
  let server: SmtpTestServer;
  beforeAll(async () => {
    server = await startSmtpTestServer({ user: USER, password: PASSWORD, tls: selfSignedCertificate() });
  });
  afterAll(() => server.close());

  it('upgrades with STARTTLS before authenticating, accepting the self-signed certificate when allowed', async () => {
    const r = await run('starttls', { email: { from: 'noreply@example.com', smtp: smtp(server.port, { starttls: 'required', allowInvalidCertificates: true }), maxMessageBytes: 10_000_000, retries: 0 } }, [CHANNELS[0]!]);
    expect(r.result.sent).toBe(1);
    expect(server.messages.at(-1)!.secure).toBe(true);
    const m = await simpleParser(server.messages.at(-1)!.raw);
    expect(m.attachments[0]!.content.equals(readFileSync(r.pdfPath))).toBe(true);
    expectNoSecrets(r.result, r.events);
  });

  it('refuses an untrusted certificate by default, without retrying', async () => {
    const before = server.messages.length;
    const r = await run('starttls-untrusted', { email: { from: 'noreply@example.com', smtp: smtp(server.port, { starttls: 'required' }), maxMessageBytes: 10_000_000, retries: 3 } }, [CHANNELS[0]!]);
    const d = r.result.deliveries[0]!;
    expect(d.status).toBe('failed');
    expect(d.status === 'failed' && d.reason).toMatch(/certificate/i);
    expect(d.status === 'failed' && d.outcome?.attempts).toBe(1);
    expect(server.messages.length).toBe(before);
    expectNoSecrets(r.result, r.events);
  });
});
