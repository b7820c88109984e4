/**
 * Sends the report by email with nodemailer: one message per channel, HTML page-one summary with a
 * plain-text alternative, the PDF attached when it fits under EmailConfig.maxMessageBytes (otherwise a
 * link to the published report, or a note saying where it is kept). Transient SMTP failures (4xx
 * replies, dropped or refused connections, timeouts) are retried with exponential backoff; permanent
 * ones (5xx) are not. In dry-run mode each message is written as an .eml file instead of being sent.
 *
 * The SMTP password never reaches a log line or an outcome: nodemailer's own logger is off, and every
 * text we emit passes through redact(), which also removes the base64 forms AUTH PLAIN/LOGIN send.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import type { EmailChannelConfig, EmailConfig } from '../../config/netpol-audit-config.js';
import type { ReportModel } from '../../core/report/report-model.js';
import { renderEmailBodies, formatNumber, reportTitle, type ReportDelivery, type DeliveryReason } from '../render/html-report.js';
import { writeFileAtomic } from '../render/atomic-write.js';

export interface OutgoingReport {
  readonly channel: EmailChannelConfig;
  /** The channel's view of the report (already filtered to its namespaces). */
  readonly model: ReportModel;
  /** The channel's PDF, when one was printed. */
  readonly pdfPath?: string;
  /** The channel's report.html, named in the body when there is no PDF. */
  readonly htmlPath?: string;
  /** Where readers find the full report, overriding one derived from report.linkBaseUrl. */
  readonly link?: string;
}

export type AttachmentDecision = 'attached' | 'dropped-too-large' | 'not-attached' | 'no-pdf';

export interface MailOutcome {
  readonly channel: string;
  readonly status: 'sent' | 'dry-run' | 'failed';
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly attachment: AttachmentDecision;
  /** Estimated size on the wire (base64 attachment, encoded bodies, headers). */
  readonly estimatedBytes: number;
  readonly attempts: number;
  readonly messageId?: string;
  /** The server's final reply (sent). */
  readonly response?: string;
  /** Recipients the server refused while accepting the others. */
  readonly rejected?: readonly string[];
  /** dry-run: the .eml file written. */
  readonly file?: string;
  /** failed: why (never holds credentials). */
  readonly error?: string;
  /** failed: a permanent rejection (not retried). */
  readonly permanent?: boolean;
}

export interface MailLogEvent {
  readonly level: 'info' | 'warn' | 'error';
  readonly channel: string;
  readonly message: string;
}

export interface ReportMailerOptions {
  readonly email: Pick<EmailConfig, 'from' | 'smtp' | 'maxMessageBytes' | 'retries'>;
  /** report.linkBaseUrl: the output folder as published; a link replaces a PDF that is too large. */
  readonly linkBaseUrl?: string;
  /** The report's output folder: dry-run .eml files go here, and links are relative to it. */
  readonly outputDir: string;
  readonly dryRun?: boolean;
  readonly log?: (event: MailLogEvent) => void;
  /** First retry delay; doubles with every retry. Default 2000 ms. */
  readonly retryBaseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

// ------------------------------------------------------------------------------------------ size limit

/** Bytes of base64 with CRLF every 76 characters. */
export function base64Size(bytes: number): number {
  const chars = Math.ceil(bytes / 3) * 4;
  return chars + Math.ceil(chars / 76) * 2;
}

/** Headers of the message and of each MIME part, generously: addresses, subject (maybe encoded), boundaries. */
const HEADER_ALLOWANCE = 2048;

/**
 * The message's size on the wire: bodies and attachment base64-encoded (an upper bound for the
 * quoted-printable nodemailer may choose for bodies), plus headers.
 */
export function estimateMessageBytes(parts: { readonly html: string; readonly text: string; readonly attachmentBytes: number; readonly headerText: string }): number {
  return (
    HEADER_ALLOWANCE +
    Buffer.byteLength(parts.headerText, 'utf8') * 2 +
    base64Size(Buffer.byteLength(parts.html, 'utf8')) +
    base64Size(Buffer.byteLength(parts.text, 'utf8')) +
    (parts.attachmentBytes > 0 ? base64Size(parts.attachmentBytes) + 300 : 0)
  );
}

// ------------------------------------------------------------------------------------------ message

export const DEFAULT_SUBJECT = 'Network containment report {period}: grade {grade} ({score})';

/** The channel's subject with {period}, {clusters}, {grade}, {score} and {channel} replaced; one line. */
export function messageSubject(channel: Pick<EmailChannelConfig, 'name' | 'subject'>, model: ReportModel): string {
  const { score, grade } = model.overall;
  const template = channel.subject ?? (score === null ? 'Network containment report {period}: no data' : DEFAULT_SUBJECT);
  const values: Record<string, string> = {
    period: model.period.label,
    clusters: model.clusters.join(', '),
    grade: grade ?? 'n/a',
    score: score === null ? 'n/a' : formatNumber(score),
    channel: channel.name,
  };
  return template.replace(/\{(period|clusters|grade|score|channel)\}/g, (_, k: string) => values[k]!).replace(/[\r\n]+/g, ' ').trim();
}

/** `Network containment report` + period (+ channel) as a file name: `network-containment-report-2026-Q3-payments.pdf`. */
export function attachmentFileName(model: ReportModel, channel: string): string {
  const slug = (s: string): string => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `${[slug(reportTitle(model)).toLowerCase() || 'report', slug(model.period.label), slug(channel)].filter(Boolean).join('-')}.pdf`;
}

function linkFor(options: ReportMailerOptions, report: OutgoingReport): string | undefined {
  if (report.link) return report.link;
  if (!options.linkBaseUrl) return undefined;
  const target = report.pdfPath ?? report.htmlPath;
  if (!target) return options.linkBaseUrl;
  const rel = path.relative(options.outputDir, target);
  const parts = rel.startsWith('..') || path.isAbsolute(rel) ? [path.basename(target)] : rel.split(path.sep);
  return `${options.linkBaseUrl.replace(/\/+$/, '')}/${parts.map(encodeURIComponent).join('/')}`;
}

export interface ComposedMessage {
  readonly mail: SendMailOptions;
  readonly subject: string;
  readonly attachment: AttachmentDecision;
  readonly estimatedBytes: number;
  readonly html: string;
  readonly text: string;
}

/** Builds one channel's message and decides whether the PDF goes with it. */
export async function composeMessage(report: OutgoingReport, options: ReportMailerOptions): Promise<ComposedMessage> {
  const { channel, model } = report;
  const subject = messageSubject(channel, model);
  const fileName = attachmentFileName(model, channel.name);
  const headerText = [options.email.from, ...channel.to, ...channel.cc, subject].join('\n');
  const pdfBytes = report.pdfPath ? (await stat(report.pdfPath)).size : 0;

  const notAttached = (reason: DeliveryReason): ReportDelivery => {
    const url = linkFor(options, report);
    if (url) return { kind: 'link', url, reason };
    return { kind: 'stored', location: report.pdfPath ?? report.htmlPath ?? options.outputDir, reason };
  };

  let decision: AttachmentDecision;
  let delivery: ReportDelivery;
  if (!report.pdfPath) {
    decision = 'no-pdf';
    delivery = notAttached('no-pdf');
  } else if (!channel.attachPdf) {
    decision = 'not-attached';
    delivery = notAttached('not-attached');
  } else {
    const withPdf = renderEmailBodies(model, { delivery: { kind: 'attached', fileName }, channel: channel.name });
    const size = estimateMessageBytes({ ...withPdf, attachmentBytes: pdfBytes, headerText });
    if (size <= options.email.maxMessageBytes) {
      decision = 'attached';
      delivery = { kind: 'attached', fileName };
    } else {
      decision = 'dropped-too-large';
      delivery = notAttached('too-large');
    }
  }
  const bodies = renderEmailBodies(model, { delivery, channel: channel.name });
  const estimatedBytes = estimateMessageBytes({ ...bodies, attachmentBytes: decision === 'attached' ? pdfBytes : 0, headerText });
  const mail: SendMailOptions = {
    from: options.email.from,
    to: [...channel.to],
    ...(channel.cc.length ? { cc: [...channel.cc] } : {}),
    subject,
    html: bodies.html,
    text: bodies.text,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Netpol-Audit-Channel': channel.name },
    ...(decision === 'attached' ? { attachments: [{ filename: fileName, path: report.pdfPath!, contentType: 'application/pdf' }] } : {}),
  };
  return { mail, subject, attachment: decision, estimatedBytes, html: bodies.html, text: bodies.text };
}

// ------------------------------------------------------------------------------------------ sending

interface SmtpError {
  readonly message?: string;
  readonly code?: string;
  /** The socket's own code when nodemailer wraps it (e.g. DEPTH_ZERO_SELF_SIGNED_CERT under ESOCKET). */
  readonly originalCode?: string;
  readonly responseCode?: number;
}

/** A certificate the client does not trust fails the same way on every attempt. */
function isCertificateError(e: SmtpError): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(e.originalCode ?? '') || /certificate/i.test(e.message ?? '');
}

const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * 4xx replies and connection-level failures are worth retrying; 5xx replies, untrusted certificates and
 * everything else are not.
 */
export function isTransientSmtpError(err: unknown): boolean {
  const e = (err ?? {}) as SmtpError;
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  if (isCertificateError(e)) return false;
  return e.code !== undefined && TRANSIENT_CODES.has(e.code);
}

/** Removes the password, and the base64 forms AUTH PLAIN / AUTH LOGIN put on the wire, from a text. */
export function credentialRedactor(user: string | undefined, password: string | undefined): (text: string) => string {
  if (!password) return (t) => t;
  const secrets = [
    password,
    Buffer.from(password).toString('base64'),
    Buffer.from(`\u0000${user ?? ''}\u0000${password}`).toString('base64'),
    Buffer.from(`${user ?? ''}\u0000${user ?? ''}\u0000${password}`).toString('base64'),
  ]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((t, s) => t.split(s).join('***'), text);
}

function describeError(err: unknown): string {
  const e = (err ?? {}) as SmtpError;
  const message = (e.message ?? String(err)).split('\n')[0]!;
  const code = e.code && !message.includes(e.code) ? ` (${e.code})` : '';
  return `${message}${code}`;
}

export class ReportMailer {
  readonly #options: ReportMailerOptions;
  readonly #redact: (text: string) => string;
  #transport: ReturnType<typeof nodemailer.createTransport> | undefined;

  constructor(options: ReportMailerOptions) {
    this.#options = options;
    this.#redact = credentialRedactor(options.email.smtp?.user, options.email.smtp?.password);
  }

  #log(level: MailLogEvent['level'], channel: string, message: string): void {
    this.#options.log?.({ level, channel, message: this.#redact(message) });
  }

  #smtp() {
    if (this.#transport) return this.#transport;
    const smtp = this.#options.email.smtp;
    if (!smtp) throw new Error('email.smtp is not configured');
    const timeout = smtp.timeoutSeconds * 1000;
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.starttls === 'required',
      ignoreTLS: smtp.starttls === 'never',
      opportunisticTLS: smtp.starttls === 'opportunistic',
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      tls: { rejectUnauthorized: !smtp.allowInvalidCertificates },
      logger: false,
      debug: false,
      // attachments are our own files; nothing is fetched from URLs
      disableUrlAccess: true,
    });
    return this.#transport;
  }

  /** Sends (or in dry-run writes) one channel's message. Never throws: failures are in the outcome. */
  async send(report: OutgoingReport): Promise<MailOutcome> {
    const channel = report.channel;
    const base = { channel: channel.name, to: [...channel.to], cc: [...channel.cc] };
    let composed: ComposedMessage;
    try {
      composed = await composeMessage(report, this.#options);
    } catch (err) {
      const error = this.#redact(`cannot build the message: ${describeError(err)}`);
      this.#log('error', channel.name, error);
      return { ...base, status: 'failed', subject: messageSubject(channel, report.model), attachment: 'no-pdf', estimatedBytes: 0, attempts: 0, error, permanent: true };
    }
    const info = { ...base, subject: composed.subject, attachment: composed.attachment, estimatedBytes: composed.estimatedBytes };
    if (composed.attachment === 'dropped-too-large') {
      this.#log('warn', channel.name, `PDF not attached: the message would be about ${composed.estimatedBytes} bytes with it, over email.maxMessageBytes ${this.#options.email.maxMessageBytes}; the body points to the full report instead`);
    }
    if (this.#options.dryRun) return this.#writeEml(composed, info);
    if (!channel.to.length && !channel.cc.length) {
      const error = 'the channel has no recipients';
      this.#log('error', channel.name, error);
      return { ...info, status: 'failed', attempts: 0, error, permanent: true };
    }

    const maxAttempts = Math.max(1, this.#options.email.retries + 1);
    const baseDelay = this.#options.retryBaseDelayMs ?? 2000;
    const sleep = this.#options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      try {
        this.#log('info', channel.name, `sending to ${[...channel.to, ...channel.cc].join(', ')} (attempt ${attempt} of ${maxAttempts}, about ${composed.estimatedBytes} bytes, PDF ${composed.attachment})`);
        const sent = await this.#smtp().sendMail(composed.mail);
        const rejected = ((sent.rejected ?? []) as (string | { address: string })[]).map((r) => (typeof r === 'string' ? r : r.address));
        const response = this.#redact(String(sent.response ?? ''));
        this.#log(rejected.length ? 'warn' : 'info', channel.name, `sent ${sent.messageId}: ${response}${rejected.length ? `; refused recipients: ${rejected.join(', ')}` : ''}`);
        return { ...info, status: 'sent', attempts: attempt, messageId: sent.messageId, response, ...(rejected.length ? { rejected } : {}) };
      } catch (err) {
        const transient = isTransientSmtpError(err);
        const error = this.#redact(describeError(err));
        if (!transient || attempt >= maxAttempts) {
          this.#log('error', channel.name, `not sent after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${error}`);
          return { ...info, status: 'failed', attempts: attempt, error, permanent: !transient };
        }
        const delay = baseDelay * 2 ** (attempt - 1);
        this.#log('warn', channel.name, `attempt ${attempt} failed (${error}); retrying in ${delay} ms`);
        await sleep(delay);
      }
    }
  }

  async #writeEml(composed: ComposedMessage, info: Omit<MailOutcome, 'status' | 'attempts'>): Promise<MailOutcome> {
    try {
      const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
      const result = await stream.sendMail(composed.mail);
      const file = path.join(this.#options.outputDir, `email-${info.channel.replace(/[^A-Za-z0-9._-]+/g, '_')}.eml`);
      await writeFileAtomic(file, result.message as Buffer);
      this.#log('info', info.channel, `dry run: message for ${[...info.to, ...info.cc].join(', ')} written to ${file}, not sent`);
      return { ...info, status: 'dry-run', attempts: 0, file };
    } catch (err) {
      const error = this.#redact(`cannot write the dry-run message: ${describeError(err)}`);
      this.#log('error', info.channel, error);
      return { ...info, status: 'failed', attempts: 0, error, permanent: true };
    }
  }

  close(): void {
    this.#transport?.close();
    this.#transport = undefined;
  }
}
