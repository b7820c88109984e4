import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import {
  attachmentFileName,
  base64Size,
  composeMessage,
  credentialRedactor,
  isTransientSmtpError,
  messageSubject,
  ReportMailer,
  type MailLogEvent,
  type ReportMailerOptions,
} from '../../../../src/adapters/mail/report-mailer.js';
import type { EmailChannelConfig } from '../../../../src/config/netpol-audit-config.js';
import { sampleReportModel } from '../../../fixtures/report/sample-report-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'netpol-audit-mailer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const model = sampleReportModel();
const channel = (over: Partial<EmailChannelConfig> = {}): EmailChannelConfig => ({ name: 'security', to: ['sec@example.com'], cc: ['audit@example.com'], attachPdf: true, ...over });
const options = (over: Partial<ReportMailerOptions> = {}): ReportMailerOptions => ({
  email: { from: 'netpol-audit <noreply@example.com>', maxMessageBytes: 10_000_000, retries: 2 },
  outputDir: tmp,
  ...over,
});
const pdf = (bytes: number): string => {
  const file = path.join(tmp, `report-${bytes}.pdf`);
  writeFileSync(file, randomBytes(bytes));
  return file;
};

async function wireSize(mail: Parameters<ReturnType<typeof nodemailer.createTransport>['sendMail']>[0]): Promise<number> {
  const t = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await t.sendMail(mail);
  return (info.message as Buffer).length;
}

describe('subject', () => {
  it('defaults to period, grade and score', () => {
    expect(messageSubject(channel(), model)).toBe('Network containment report 2026-Q3: grade B (81.3)');
  });
  it('fills the channel template and stays on one line', () => {
    expect(messageSubject(channel({ subject: '[{channel}] {period} {clusters}: {grade}/{score}\r\nBcc: x@evil' }), model)).toBe(
      '[security] 2026-Q3 prod-eu-1, prod-us-1: B/81.3 Bcc: x@evil',
    );
  });
  it('says there is no data rather than inventing a grade', () => {
    expect(messageSubject(channel(), sampleReportModel({ overall: { score: null, grade: null, previousScore: null } }))).toBe('Network containment report 2026-Q3: no data');
  });
  it('names the attachment after the report, period and channel', () => {
    expect(attachmentFileName(model, 'security team')).toBe('network-containment-report-2026-Q3-security-team.pdf');
  });
});

describe('size estimate and attachment decision', () => {
  it('estimates at or above the real encoded size, and not far above', async () => {
    for (const bytes of [10_000, 400_000, 2_000_000]) {
      const composed = await composeMessage({ channel: channel(), model, pdfPath: pdf(bytes) }, options());
      expect(composed.attachment).toBe('attached');
      const real = await wireSize(composed.mail);
      expect(composed.estimatedBytes).toBeGreaterThanOrEqual(real);
      expect(composed.estimatedBytes).toBeLessThan(real * 1.15 + 8_000);
    }
    expect(base64Size(3)).toBe(4 + 2);
    expect(base64Size(57)).toBe(76 + 2);
  });

  it('drops a PDF over the limit and links to the published report instead', async () => {
    const pdfPath = path.join(tmp, '2026-Q3', 'report.pdf');
    rmSync(path.dirname(pdfPath), { recursive: true, force: true });
    mkdirSync(path.dirname(pdfPath), { recursive: true });
    writeFileSync(pdfPath, randomBytes(300_000));
    const composed = await composeMessage({ channel: channel(), model, pdfPath }, options({ email: { ...options().email, maxMessageBytes: 200_000 }, linkBaseUrl: 'https://reports.example.com/netpol/' }));
    expect(composed.attachment).toBe('dropped-too-large');
    expect(composed.mail.attachments).toBeUndefined();
    expect(composed.text).toContain('The full report is too large to attach. Read it at https://reports.example.com/netpol/2026-Q3/report.pdf');
    expect(composed.html).toContain('href="https://reports.example.com/netpol/2026-Q3/report.pdf"');
    expect(composed.estimatedBytes).toBeLessThan(200_000);
  });

  it('says where the report is kept when there is no link to give', async () => {
    const pdfPath = pdf(300_001);
    const composed = await composeMessage({ channel: channel(), model, pdfPath }, options({ email: { ...options().email, maxMessageBytes: 200_000 } }));
    expect(composed.attachment).toBe('dropped-too-large');
    expect(composed.text).toContain(`too large to attach; it is kept at ${pdfPath} on the netpol-audit host`);
  });

  it('does not attach for a channel that does not want it, nor without a PDF', async () => {
    const a = await composeMessage({ channel: channel({ attachPdf: false }), model, pdfPath: pdf(1000) }, options());
    expect(a.attachment).toBe('not-attached');
    expect(a.text).toMatch(/The full report is kept at .*report-1000\.pdf/);
    const b = await composeMessage({ channel: channel(), model, htmlPath: path.join(tmp, 'report.html') }, options({ linkBaseUrl: 'https://r.example.com' }));
    expect(b.attachment).toBe('no-pdf');
    expect(b.text).toContain('Read it at https://r.example.com/report.html');
  });
});

describe('SMTP failure classes', () => {
  it('retries 4xx replies and connection problems, not 5xx or anything else', () => {
    expect(isTransientSmtpError({ responseCode: 421, code: 'EPROTOCOL' })).toBe(true);
    expect(isTransientSmtpError({ responseCode: 451 })).toBe(true);
    expect(isTransientSmtpError({ responseCode: 454, code: 'EAUTH' })).toBe(true);
    expect(isTransientSmtpError({ responseCode: 550, code: 'EENVELOPE' })).toBe(false);
    expect(isTransientSmtpError({ responseCode: 535, code: 'EAUTH' })).toBe(false);
    expect(isTransientSmtpError({ code: 'ECONNECTION' })).toBe(true);
    expect(isTransientSmtpError({ code: 'ETIMEDOUT' })).toBe(true);
    expect(isTransientSmtpError({ code: 'ESOCKET' })).toBe(true);
    expect(isTransientSmtpError({ code: 'ETLS' })).toBe(false);
    expect(isTransientSmtpError({ code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' })).toBe(false);
    expect(isTransientSmtpError({ code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" })).toBe(false);
    expect(isTransientSmtpError(new Error('boom'))).toBe(false);
    expect(isTransientSmtpError(undefined)).toBe(false);
  });
});

describe('credential redaction', () => {
  it('removes the password and its AUTH PLAIN / LOGIN encodings', () => {
    const redact = credentialRedactor('mailer', 's3cret-Pa55');
    const plain = Buffer.from('\u0000mailer\u0000s3cret-Pa55').toString('base64');
    const login = Buffer.from('s3cret-Pa55').toString('base64');
    const out = redact(`C: AUTH PLAIN ${plain} / ${login} / pass=s3cret-Pa55`);
    expect(out).toBe('C: AUTH PLAIN *** / *** / pass=***');
    expect(credentialRedactor(undefined, undefined)('x')).toBe('x');
  });
});

describe('dry run', () => {
  it('writes one parsable .eml per channel and sends nothing', async () => {
    const dir = mkdtempSync(path.join(tmp, 'dry-'));
    const events: MailLogEvent[] = [];
    // an SMTP server nobody listens on: a send attempt would fail loudly
    const mailer = new ReportMailer({
      ...options({ outputDir: dir, dryRun: true, log: (e) => events.push(e) }),
      email: { ...options().email, smtp: { host: '127.0.0.1', port: 1, secure: false, starttls: 'never', timeoutSeconds: 1, allowInvalidCertificates: false, user: 'u', password: 'dry-run-secret' } },
    });
    const pdfPath = pdf(5000);
    const outcome = await mailer.send({ channel: channel({ name: 'sec/ops' }), model, pdfPath });
    mailer.close();
    expect(outcome.status).toBe('dry-run');
    expect(outcome.attempts).toBe(0);
    expect(path.basename(outcome.file!)).toBe('email-sec_ops.eml');
    const parsed = await simpleParser(readFileSync(outcome.file!));
    expect(parsed.subject).toBe('Network containment report 2026-Q3: grade B (81.3)');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.content.equals(readFileSync(pdfPath))).toBe(true);
    expect(parsed.text).toContain('Containment score: 81.3 / 100, grade B');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(JSON.stringify(events)).not.toContain('dry-run-secret');
    expect(events.map((e) => e.message).join('\n')).toContain('dry run');
  });
});
