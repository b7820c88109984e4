/**
 * Prints rendered report HTML to PDF with a system Chromium driven by puppeteer-core. One browser per
 * run: launched on the first print, reused for every further PDF, closed by close(). The page gets no
 * network at all (only data: and about: URLs load) and no JavaScript; Chromium is started with its own
 * throw-away profile and with the background services that would phone home turned off.
 *
 * The printer reads the HTML from a file the caller has already written, so a printer that fails (no
 * Chromium, a crash, a timeout) can never cost the HTML report.
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { EnvironmentError } from '../../core/model/user-error.js';
import { writeFileAtomic } from './atomic-write.js';
import { escapeXml } from './svg-charts.js';

/** Where Chromium or Chrome usually lives, in the order tried. */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

const INSTALL_HINT =
  'install Chromium (Debian/Ubuntu: `apt-get install chromium`; Alpine: `apk add chromium`), or point report.pdf.chromiumPath or PUPPETEER_EXECUTABLE_PATH at a Chromium or Chrome binary; or disable the PDF with report.pdf.enabled: false (the HTML report is written either way)';

export interface ChromiumDiscovery {
  /** report.pdf.chromiumPath: used as given, an error when it is not there. */
  readonly configuredPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly candidates?: readonly string[];
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to run: the configured path, else PUPPETEER_EXECUTABLE_PATH, else the first usual path present. */
export function findChromium(discovery: ChromiumDiscovery = {}): string {
  const env = discovery.env ?? process.env;
  if (discovery.configuredPath) {
    if (isExecutable(discovery.configuredPath)) return discovery.configuredPath;
    throw new EnvironmentError(`Chromium not found at report.pdf.chromiumPath ${discovery.configuredPath} (missing or not executable)`, INSTALL_HINT);
  }
  const fromEnv = env['PUPPETEER_EXECUTABLE_PATH'];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new EnvironmentError(`Chromium not found at PUPPETEER_EXECUTABLE_PATH ${fromEnv} (missing or not executable)`, INSTALL_HINT);
  }
  const candidates = discovery.candidates ?? CHROMIUM_CANDIDATES;
  for (const c of candidates) if (isExecutable(c)) return c;
  throw new EnvironmentError(`no Chromium or Chrome found to print the PDF report (looked in ${candidates.join(', ')})`, INSTALL_HINT);
}

/**
 * Flags that keep a headless Chromium off the network and away from the user's profile. The sandbox is
 * turned off as root (Chromium refuses it) and when NETPOL_AUDIT_CHROMIUM_NO_SANDBOX=1 (containers
 * without user namespaces, where a non-root Chromium cannot start its sandbox either).
 */
export function chromiumArgs(userDataDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const args = [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-domain-reliability',
    '--disable-breakpad',
    '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--metrics-recording-only',
    '--mute-audio',
    '--font-render-hinting=none',
    `--user-data-dir=${userDataDir}`,
  ];
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root || env['NETPOL_AUDIT_CHROMIUM_NO_SANDBOX'] === '1') args.unshift('--no-sandbox');
  return args;
}

export interface PdfPrinterOptions extends ChromiumDiscovery {
  /** report.pdf.timeoutSeconds: for launching Chromium and for each PDF. Default 120. */
  readonly timeoutSeconds?: number;
}

export interface PdfPageOptions {
  readonly pageSize: 'A4' | 'Letter';
  /** Running header, left: e.g. `Northwind Payments · Network containment report`. */
  readonly title: string;
  /** Running header, right: the period label. */
  readonly period: string;
  /** Running footer, left (e.g. generated time and generator); the right side is `Page X of Y`. */
  readonly footerNote?: string;
}

export interface PrintedPdf {
  readonly path: string;
  readonly bytes: number;
  /** URLs the page tried to load and was refused (the report should have none). */
  readonly blockedRequests: readonly string[];
}

const MARGINS = { top: '20mm', bottom: '18mm', left: '14mm', right: '14mm' } as const;

function headerTemplate(title: string, period: string): string {
  return `<div style="width:100%;font-family:'Liberation Sans','DejaVu Sans',Arial,sans-serif;font-size:7.5pt;color:#64748b;padding:0 14mm;display:flex;justify-content:space-between;-webkit-print-color-adjust:exact;"><span>${escapeXml(title)}</span><span>${escapeXml(period)}</span></div>`;
}

function footerTemplate(note: string): string {
  return `<div style="width:100%;font-family:'Liberation Sans','DejaVu Sans',Arial,sans-serif;font-size:7.5pt;color:#64748b;padding:0 14mm;display:flex;justify-content:space-between;-webkit-print-color-adjust:exact;"><span>${escapeXml(note)}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

export class PdfPrinter {
  #browser: Promise<Browser> | undefined;
  #profileDirs: string[] = [];
  #launches = 0;
  #executable: string | undefined;
  readonly #options: PdfPrinterOptions;
  readonly #timeoutMs: number;

  constructor(options: PdfPrinterOptions = {}) {
    this.#options = options;
    this.#timeoutMs = Math.max(1, options.timeoutSeconds ?? 120) * 1000;
  }

  /** How many times a browser was started (one per run unless it crashed). */
  get launches(): number {
    return this.#launches;
  }

  /** The Chromium binary this printer uses; throws EnvironmentError when there is none. */
  executablePath(): string {
    this.#executable ??= findChromium(this.#options);
    return this.#executable;
  }

  async #launch(): Promise<Browser> {
    const executablePath = this.executablePath();
    const profile = await mkdtemp(path.join(os.tmpdir(), 'netpol-audit-chromium-'));
    this.#profileDirs.push(profile);
    this.#launches += 1;
    try {
      return await puppeteer.launch({
        executablePath,
        headless: true,
        args: chromiumArgs(profile, this.#options.env ?? process.env),
        // our own flags replace puppeteer's defaults list only partly: keep its automation defaults
        timeout: this.#timeoutMs,
        protocolTimeout: this.#timeoutMs,
        env: { ...process.env, HOME: process.env['HOME'] ?? profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
      });
    } catch (err) {
      throw new EnvironmentError(`cannot start Chromium (${executablePath}) to print the PDF report: ${firstLine(err)}`, INSTALL_HINT);
    }
  }

  async #browserInstance(): Promise<Browser> {
    if (this.#browser) {
      const b = await this.#browser.catch(() => undefined);
      if (b?.connected) return b;
    }
    const launching = this.#launch();
    this.#browser = launching;
    return launching;
  }

  /**
   * Prints the HTML file (already on disk) to a PDF file, written atomically. Loads nothing from the
   * network and runs no script.
   */
  async printFile(htmlPath: string, pdfPath: string, page: PdfPageOptions): Promise<PrintedPdf> {
    const html = await readFile(htmlPath, 'utf8');
    const bytes = await this.print(html, page);
    const written = await writeFileAtomic(pdfPath, bytes.pdf);
    return { path: pdfPath, bytes: written, blockedRequests: bytes.blockedRequests };
  }

  /** Prints HTML to PDF bytes (the caller keeps the HTML; see printFile). */
  async print(html: string, options: PdfPageOptions): Promise<{ pdf: Uint8Array; blockedRequests: string[] }> {
    const browser = await this.#browserInstance();
    const blockedRequests: string[] = [];
    const page = await browser.newPage();
    try {
      page.setDefaultTimeout(this.#timeoutMs);
      await page.setJavaScriptEnabled(false);
      await page.setRequestInterception(true);
      page.on('request', (request) => {
        const url = request.url();
        if (url.startsWith('data:') || url.startsWith('about:')) void request.continue();
        else {
          blockedRequests.push(url);
          void request.abort('blockedbyclient');
        }
      });
      await page.setContent(html, { waitUntil: 'load', timeout: this.#timeoutMs });
      await page.emulateMediaType('print');
      const pdf = await page.pdf({
        format: options.pageSize === 'Letter' ? 'letter' : 'a4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: headerTemplate(options.title, options.period),
        footerTemplate: footerTemplate(options.footerNote ?? ''),
        margin: MARGINS,
        // Tagged PDF (and the outline, which needs it) makes a fleet report ~12x larger and 2x slower to
        // print (54 MB vs 4 MB for 2,000 namespaces): too big to email. puppeteer tags by default.
        tagged: false,
        outline: false,
        timeout: this.#timeoutMs,
      });
      return { pdf, blockedRequests };
    } catch (err) {
      if (err instanceof EnvironmentError) throw err;
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new EnvironmentError(
        timedOut ? `printing the PDF report took longer than ${this.#timeoutMs / 1000} s` : `printing the PDF report failed: ${firstLine(err)}`,
        timedOut ? 'raise report.pdf.timeoutSeconds, or check that the machine has memory and CPU to spare' : 'the HTML report is written; see its folder, and retry the PDF',
      );
    } finally {
      await page.close().catch(() => undefined);
    }
  }

  /** Closes the browser and removes its profile folders. Safe to call more than once. */
  async close(): Promise<void> {
    const pending = this.#browser;
    this.#browser = undefined;
    if (pending) {
      const b = await pending.catch(() => undefined);
      await b?.close().catch(() => b.process()?.kill('SIGKILL'));
    }
    const dirs = this.#profileDirs;
    this.#profileDirs = [];
    for (const d of dirs) await rm(d, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }).catch(() => undefined);
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
