/**
 * A real SMTP server on 127.0.0.1 (smtp-server) for the delivery tests: AUTH PLAIN/LOGIN against one
 * test account, optional STARTTLS with a self-signed certificate, and scripted failures (a number of
 * transient 4xx replies first, or a permanent 5xx). Every accepted message is kept raw for mailparser.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { Availability } from './infra.js';

export interface ReceivedMessage {
  readonly from: string;
  readonly recipients: readonly string[];
  readonly raw: Buffer;
  readonly user: string | undefined;
  readonly secure: boolean;
}

export interface SmtpTestServerOptions {
  readonly user: string;
  readonly password: string;
  /** Offer STARTTLS with this certificate (PEM); without it STARTTLS is disabled. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Answer MAIL FROM with this error for the first `times` transactions (e.g. 421), then accept. */
  readonly failFirst?: { readonly times: number; readonly code: number; readonly message: string };
  /** Reject every RCPT TO of these addresses with 550. */
  readonly rejectRecipients?: readonly string[];
  /** AUTH mechanisms offered (default PLAIN and LOGIN). */
  readonly authMethods?: readonly string[];
}

export interface SmtpTestServer {
  readonly port: number;
  readonly messages: ReceivedMessage[];
  /** MAIL FROM commands seen (each delivery attempt makes one). */
  readonly mailFromCount: () => number;
  /** AUTH methods clients used. */
  readonly authMethods: string[];
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpTestServer(options: SmtpTestServerOptions): Promise<SmtpTestServer> {
  const messages: ReceivedMessage[] = [];
  const authMethods: string[] = [];
  let mailFrom = 0;
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authMethods: [...(options.authMethods ?? ['PLAIN', 'LOGIN'])],
    authOptional: false,
    allowInsecureAuth: !options.tls,
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    onAuth(auth, _session, callback) {
      authMethods.push(auth.method);
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(smtpError(535, 'Authentication failed'));
    },
    onMailFrom(_address, _session, callback) {
      mailFrom += 1;
      const f = options.failFirst;
      if (f && mailFrom <= f.times) callback(smtpError(f.code, f.message));
      else callback();
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) callback(smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable`));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return {
    port,
    messages,
    mailFromCount: () => mailFrom,
    authMethods,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A self-signed certificate for 127.0.0.1/localhost, made with openssl. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netpol-audit-smtp-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
        '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      { stdio: 'pipe' },
    );
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function opensslAvailability(): Availability {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return { available: true };
  } catch {
    return { available: false, reason: 'openssl not found (needed to make a self-signed certificate); apt-get install openssl' };
  }
}
