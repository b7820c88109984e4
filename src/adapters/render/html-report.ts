/**
 * Renders the report view model to one self-contained HTML file (CSS inlined, charts as inline SVG, no
 * external reference) and the email bodies (HTML page-one summary + plain-text alternative), with an
 * own Handlebars instance. Every value from the model goes through Handlebars' escaping: the templates
 * never use triple-stash; the only unescaped markup is ours (the CSS and the SVG charts, which escape
 * their own labels).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import Handlebars from 'handlebars';
import { SEVERITIES, type Severity } from '../../core/findings/severity.js';
import type { CheckGroup, FindingView, KeyFigure, ReportModel, SnapshotRef } from '../../core/report/report-model.js';
import { gradeColour, scoreGaugeSvg, severityBarSvg, SEVERITY_COLOURS, trendChartSvg } from './svg-charts.js';

/** templates/ of the package: ../../../templates from src/adapters/render and from dist/adapters/render alike. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

export interface ReportRenderOptions {
  /** Paper of the printed report (sets the CSS @page size, for printing from a browser). Default A4. */
  readonly pageSize?: 'A4' | 'Letter';
  /** Files delivered next to report.html (findings.csv, ...), listed in the appendix. */
  readonly exportFiles?: readonly string[];
  /** Findings listed per check before "N more in findings.csv" (keeps the PDF lean). Default 200. */
  readonly maxFindingsPerCheck?: number;
  /** Another templates folder (branding, tests). Default: the package's templates/. */
  readonly templatesDir?: string;
}

/** How the full report reaches an email's reader; the bodies say so. */
export type ReportDelivery =
  | { readonly kind: 'attached'; readonly fileName: string }
  | { readonly kind: 'link'; readonly url: string; readonly reason: DeliveryReason }
  | { readonly kind: 'stored'; readonly location: string; readonly reason: DeliveryReason };

/** Why the PDF is not attached: over the size limit, the channel does not attach, or there is no PDF. */
export type DeliveryReason = 'too-large' | 'not-attached' | 'no-pdf';

export interface EmailRenderOptions {
  readonly delivery: ReportDelivery;
  /** Channel name, shown in the header. */
  readonly channel?: string;
  readonly templatesDir?: string;
}

interface CompiledTemplates {
  readonly report: Handlebars.TemplateDelegate;
  readonly emailHtml: Handlebars.TemplateDelegate;
  readonly emailText: Handlebars.TemplateDelegate;
  readonly css: string;
}

const compiled = new Map<string, CompiledTemplates>();

function loadTemplates(dir: string): CompiledTemplates {
  const cached = compiled.get(dir);
  if (cached) return cached;
  const read = (rel: string): string => readFileSync(path.join(dir, rel), 'utf8');
  const hb = Handlebars.create();
  registerHelpers(hb);
  const partialsDir = path.join(dir, 'partials');
  for (const f of readdirSync(partialsDir).sort()) {
    if (f.endsWith('.hbs')) hb.registerPartial(f.slice(0, -4), read(path.join('partials', f)));
  }
  // The text body is plain text: HTML escaping would turn `&` into `&amp;` there.
  const textHb = Handlebars.create();
  registerHelpers(textHb);
  const out: CompiledTemplates = {
    report: hb.compile(read('report.hbs')),
    emailHtml: hb.compile(read('email.hbs')),
    emailText: textHb.compile(read('email.txt.hbs'), { noEscape: true }),
    css: read(path.join('styles', 'report.css')),
  };
  compiled.set(dir, out);
  return out;
}

// ---------------------------------------------------------------------------------------------- format

/** The report's title without a trailing period label (the layout shows the period on its own). */
export function reportTitle(model: Pick<ReportModel, 'title' | 'period'>): string {
  const title = model.title.trim();
  const label = model.period.label;
  if (title === label || !title) return 'Network containment report';
  return title.endsWith(` ${label}`) ? title.slice(0, -label.length - 1).trim() : title;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const MINUS = '\u2212';

/** 1,234 · 81.3 · — for null/undefined/NaN. Independent of the machine's locale. */
export function formatNumber(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  // -0.04 rounds to 0, not to "−0"
  return NUMBER.format(Math.round(n * 10) === 0 ? 0 : n).replace('-', MINUS);
}

function parseDay(s: string): { y: number; m: number; d: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return undefined;
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

/** `2026-07-01` or an ISO instant -> `1 Jul 2026` (the date as written, UTC for instants). */
export function formatDate(s: unknown): string {
  if (typeof s !== 'string' || !s) return '—';
  const iso = s.length > 10 ? new Date(s) : undefined;
  if (iso && !Number.isNaN(iso.getTime())) return `${iso.getUTCDate()} ${MONTHS[iso.getUTCMonth()]} ${iso.getUTCFullYear()}`;
  const d = parseDay(s);
  return d && d.m >= 1 && d.m <= 12 ? `${d.d} ${MONTHS[d.m - 1]} ${d.y}` : s;
}

/** ISO instant -> `1 Oct 2026 06:00 UTC`. */
export function formatDateTime(s: unknown): string {
  if (typeof s !== 'string' || !s) return '—';
  const t = new Date(s);
  if (Number.isNaN(t.getTime())) return s;
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} ${hh}:${mm} UTC`;
}

/** `1 Jul – 30 Sep 2026`, or both years when they differ. */
export function formatDateRange(from: unknown, to: unknown): string {
  const a = typeof from === 'string' ? parseDay(from) : undefined;
  const b = typeof to === 'string' ? parseDay(to) : undefined;
  if (!a || !b) return `${formatDate(from)} – ${formatDate(to)}`;
  const left = a.y === b.y ? `${a.d} ${MONTHS[a.m - 1]}` : formatDate(from);
  return `${left} – ${formatDate(to)}`;
}

/** A key figure's context split into a unit glued to the value (`%`) and the words after it (`of 3 pods`). */
export function splitContext(context: unknown): { unit: '' | '%'; rest: string } {
  const text = typeof context === 'string' ? context.trim() : '';
  return text.startsWith('%') ? { unit: '%', rest: text.slice(1).trim() } : { unit: '', rest: text };
}

/** `+4.4`, `−1.6`, `±0`; percentages as points (`+6.7 pts`). */
export function formatDelta(delta: unknown, context?: unknown): string {
  if (typeof delta !== 'number' || !Number.isFinite(delta)) return '—';
  const unit = splitContext(context).unit === '%' ? ' pts' : '';
  const r = Math.round(delta * 10) / 10;
  if (r === 0) return `±0${unit}`;
  return `${r > 0 ? '+' : MINUS}${NUMBER.format(Math.abs(r))}${unit}`;
}

export type DeltaClass = 'improved' | 'regressed' | 'unchanged' | 'neutral' | 'na';

/** Whether a change is an improvement, a regression, no change, not judged (neutral), or unknown. */
export function deltaClass(f: Pick<KeyFigure, 'delta' | 'better'>): DeltaClass {
  if (typeof f.delta !== 'number' || !Number.isFinite(f.delta)) return 'na';
  if (Math.round(f.delta * 10) === 0) return 'unchanged';
  if (f.better === 'neutral') return 'neutral';
  return (f.delta > 0) === (f.better === 'higher') ? 'improved' : 'regressed';
}

const DELTA_WORDS: Record<DeltaClass, string> = { improved: 'improvement', regressed: 'regression', unchanged: 'no change', neutral: 'change', na: 'no comparison' };
const DELTA_COLOURS: Record<DeltaClass, string> = { improved: '#15803d', regressed: '#b91c1c', unchanged: '#64748b', neutral: '#64748b', na: '#94a3b8' };

function deltaArrow(f: Pick<KeyFigure, 'delta' | 'better'>): string {
  if (typeof f.delta !== 'number' || Math.round(f.delta * 10) === 0) return '';
  return f.delta > 0 ? '▲' : '▼';
}

function kindShort(kind: string): string {
  return kind === 'NetworkPolicy' ? 'NP' : kind === 'AdminNetworkPolicy' ? 'ANP' : kind === 'BaselineAdminNetworkPolicy' ? 'BANP' : kind;
}

const BREAK_AFTER = /(?<=[/.\-:=,[\]_@])/;
const LONGEST_RUN = 12;

/** `escape(text)` with `<wbr>` where a long value may wrap. */
export function breakableHtml(text: string, escape: (s: string) => string): string {
  const out: string[] = [];
  for (const part of text.split(BREAK_AFTER)) {
    const chunks: string[] = [];
    for (const word of part.split(/(\s+)/)) {
      if (word.length <= LONGEST_RUN) chunks.push(escape(word));
      else for (let i = 0; i < word.length; i += LONGEST_RUN) chunks.push((i ? '<wbr>' : '') + escape(word.slice(i, i + LONGEST_RUN)));
    }
    out.push(chunks.join(''));
  }
  return out.join('<wbr>');
}

function registerHelpers(hb: typeof Handlebars): void {
  const safe = (html: string): Handlebars.SafeString => new hb.SafeString(html);
  const args = (list: unknown[]): unknown[] => list.slice(0, -1); // drop Handlebars' options argument
  hb.registerHelper('formatNumber', (n: unknown) => formatNumber(n));
  hb.registerHelper('formatPercent', (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? `${formatNumber(n)}%` : '—'));
  hb.registerHelper('formatDate', (s: unknown) => formatDate(s));
  hb.registerHelper('formatDateTime', (s: unknown) => formatDateTime(s));
  hb.registerHelper('isoDay', (s: unknown) => (typeof s === 'string' ? s.slice(0, 10) : ''));
  hb.registerHelper('formatDateRange', (a: unknown, b: unknown) => formatDateRange(a, b));
  hb.registerHelper('formatDelta', (d: unknown, context: unknown) => formatDelta(d, typeof context === 'string' ? context : undefined));
  hb.registerHelper('deltaClass', (f: KeyFigure) => deltaClass(f));
  hb.registerHelper('deltaWord', (f: KeyFigure) => DELTA_WORDS[deltaClass(f)]);
  hb.registerHelper('deltaArrow', (f: KeyFigure) => deltaArrow(f));
  hb.registerHelper('deltaColour', (cls: DeltaClass) => DELTA_COLOURS[cls] ?? DELTA_COLOURS.na);
  hb.registerHelper('severityColour', (s: Severity) => SEVERITY_COLOURS[s] ?? '#64748b');
  hb.registerHelper('gradeColour', (g: string | null) => gradeColour(g));
  hb.registerHelper('kindShort', (k: string) => kindShort(k));
  hb.registerHelper('unitOf', (context: unknown) => splitContext(context).unit);
  hb.registerHelper('contextRest', (context: unknown) => splitContext(context).rest);
  hb.registerHelper('isNumber', (n: unknown) => typeof n === 'number' && Number.isFinite(n));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('lte', (a: unknown, b: unknown) => Number(a) <= Number(b));
  hb.registerHelper('and', (...xs: unknown[]) => args(xs).every(Boolean));
  hb.registerHelper('or', (...xs: unknown[]) => args(xs).some(Boolean));
  hb.registerHelper('add', (a: unknown, b: unknown) => (Number(a) || 0) + (Number(b) || 0));
  hb.registerHelper('anchor', (s: unknown) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, '-'));
  hb.registerHelper('daysText', (n: unknown) => {
    if (typeof n !== 'number') return '';
    if (n < 0) return `expired ${-n} day${n === -1 ? '' : 's'} ago`;
    if (n === 0) return 'expires today';
    return `${n} day${n === 1 ? '' : 's'} left`;
  });
  hb.registerHelper('plural', (n: unknown, one: string, many: string, options: Handlebars.HelperOptions) => {
    const count = typeof n === 'number' ? n : 0;
    const word = count === 1 ? one : many;
    return options.hash?.['bare'] ? word : `${formatNumber(count)} ${word}`;
  });
  hb.registerHelper('severityList', (counts: Readonly<Record<Severity, number>> | undefined) =>
    [...SEVERITIES].reverse().map((severity) => ({ severity, count: counts?.[severity] ?? 0 })),
  );
  // `code` in check remediation texts becomes <code>: escape first, then mark up.
  hb.registerHelper('inlineCode', (text: unknown) =>
    safe(
      String(text ?? '')
        .split(/`([^`]+)`/)
        .map((part, i) => (i % 2 ? `<code>${hb.Utils.escapeExpression(part)}</code>` : hb.Utils.escapeExpression(part)))
        .join(''),
    ),
  );
  // Escaped text with <wbr> break opportunities after / . - : = , [ ] _ @ and inside runs over 12
  // characters: a 63-character name without a hyphen wraps inside its cell instead of widening the
  // table past the page (which would make Chromium shrink every page of the PDF).
  hb.registerHelper('breakable', (text: unknown) => safe(breakableHtml(String(text ?? ''), hb.Utils.escapeExpression)));
  // Our own SVG: every label inside is escaped by svg-charts.ts.
  hb.registerHelper('trendChart', (series: Parameters<typeof trendChartSvg>[0]) => safe(trendChartSvg(series)));
  hb.registerHelper('severityChart', (counts: Readonly<Record<Severity, number>>) => safe(severityBarSvg(counts, 'Open findings by severity')));
  hb.registerHelper('scoreGauge', (score: number | null, grade: string | null) => safe(scoreGaugeSvg(score ?? null, grade ?? null)));
}

// -------------------------------------------------------------------------------------------- the view

function allFindings(model: ReportModel): FindingView[] {
  return model.findingsBySeverity.flatMap((g) => g.checks.flatMap((c) => c.findings));
}

function openCounts(findings: readonly FindingView[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppressed) out[f.severity] += 1;
  return out;
}

function overallDelta(model: ReportModel): { cls: DeltaClass; arrow: string; text: string } | undefined {
  const { score, previousScore } = model.overall;
  if (score === null || previousScore === null) return undefined;
  const f = { delta: score - previousScore, better: 'higher' as const };
  return { cls: deltaClass(f), arrow: deltaArrow(f), text: formatDelta(f.delta) };
}

/** The one sentence under the score on page one: direction of the score, what is open, what is exposed. */
function headline(model: ReportModel, open: Record<Severity, number>): string {
  const parts: string[] = [];
  const { score, grade, previousScore } = model.overall;
  if (score === null) parts.push(`No cluster has data for ${model.period.label}.`);
  else if (previousScore === null) parts.push(`Containment score ${formatNumber(score)} (grade ${grade ?? 'n/a'}).`);
  else {
    const d = Math.round((score - previousScore) * 10) / 10;
    const verb = d > 0 ? 'improved' : d < 0 ? 'fell' : 'held';
    parts.push(d === 0 ? `Containment held at ${formatNumber(score)} (grade ${grade ?? 'n/a'}).` : `Containment ${verb} from ${formatNumber(previousScore)} to ${formatNumber(score)} (grade ${grade ?? 'n/a'}).`);
  }
  if (score !== null) {
    const severe = [`${formatNumber(open.critical)} critical`, `${formatNumber(open.high)} high`].join(' and ');
    const n = open.critical + open.high;
    parts.push(`${severe} finding${n === 1 ? ' is' : 's are'} open.`);
    const exposed = model.keyFigures.find((f) => f.id === 'workloads-internet-exposed');
    if (exposed && typeof exposed.value === 'number') {
      parts.push(`${formatNumber(exposed.value)} workload${exposed.value === 1 ? ' is' : 's are'} exposed to the internet.`);
    }
  }
  if (model.missing.length) parts.push(`${model.missing.length} of ${model.clusters.length} clusters ${model.missing.length === 1 ? 'has' : 'have'} no data for the period.`);
  const fromBlocks = model.clusterSections.filter((s) => s.fromBlocks).length;
  if (fromBlocks) parts.push(`${fromBlocks} of ${model.clusters.length} clusters ${fromBlocks === 1 ? 'is' : 'are'} beyond the engine's limits and ${fromBlocks === 1 ? 'was' : 'were'} analysed from reach blocks (section 3).`);
  return parts.join(' ');
}

interface CheckView extends CheckGroup {
  readonly shown: readonly FindingView[];
  readonly hidden: number;
  readonly total: number;
  readonly suppressedCount: number;
}

function buildView(model: ReportModel, css: string, options: ReportRenderOptions) {
  const findings = allFindings(model);
  const open = openCounts(findings);
  const limit = options.maxFindingsPerCheck ?? 200;
  // a finding table lists the first `limit` findings and says how many more the exports hold
  const listed = (list: readonly FindingView[]) => ({ shown: list.slice(0, limit), hidden: Math.max(0, list.length - limit), total: list.length });
  const bySeverity = new Map(model.findingsBySeverity.map((g) => [g.severity, g]));
  const severityGroups = [...SEVERITIES].reverse().map((severity) => {
    const g = bySeverity.get(severity);
    const checks: CheckView[] = (g?.checks ?? []).map((c) => ({
      ...c,
      ...listed(c.findings),
      suppressedCount: c.findings.filter((f) => f.suppressed).length,
    }));
    return { severity, count: g?.count ?? 0, checks };
  });
  const sectionByCluster = new Map(model.clusterSections.map((s) => [s.cluster, s]));
  const missingByCluster = new Map(model.missing.map((m) => [m.cluster, m]));
  const clusterStatus = model.clusters.map((cluster) => {
    const s = sectionByCluster.get(cluster);
    const m = missingByCluster.get(cluster);
    const missing = m !== undefined || !s || s.status === 'missing';
    const kind = m?.kind ?? s?.missingKind ?? 'no-snapshot';
    return {
      cluster,
      missing,
      missingNote: kind === 'not-analysed' ? 'snapshot stored, not analysed' : 'no snapshot in the period',
      reason: m?.reason ?? s?.missingReason ?? 'no snapshot in the period',
      takenAt: s?.snapshot?.takenAt,
      partial: (s?.snapshot?.failures.length ?? 0) > 0,
      fromBlocks: s?.fromBlocks !== undefined,
      grade: missing ? undefined : s?.grade,
      score: missing ? undefined : s?.score,
    };
  });
  const snapshots: { cluster: string; snapshot: SnapshotRef }[] = [];
  for (const s of model.clusterSections) if (s.status === 'ok' && s.snapshot) snapshots.push({ cluster: s.cluster, snapshot: s.snapshot });
  return {
    title: reportTitle(model),
    css: new Handlebars.SafeString(css),
    pageSize: options.pageSize ?? 'A4',
    exportFiles: options.exportFiles ?? [],
    openBySeverity: open,
    openTotal: Object.values(open).reduce((a, b) => a + b, 0),
    suppressedTotal: findings.filter((f) => f.suppressed).length,
    overallDelta: overallDelta(model),
    headline: headline(model, open),
    exceptionsDue: model.exceptions.filter((e) => e.status !== 'active').length,
    trendPeriods: Math.max(0, ...model.trends.map((t) => t.points.length)),
    trendLabels: (model.trends.find((t) => t.points.length === Math.max(...model.trends.map((x) => x.points.length)))?.points ?? []).map((p) => p.period),
    severityGroups,
    clusterStatus,
    // page one must stay one page: long lists move to section 3
    manyClusters: model.clusters.length > 4,
    manyMissing: model.missing.length > 3,
    snapshots,
    // per cluster beyond the engine's limits: its policy-level findings, listed like those of section 4
    policyLevel: Object.fromEntries(
      model.clusterSections.flatMap((s) =>
        s.policyLevel ? [[s.cluster, listed(s.policyLevel.findings)]] : [],
      ),
    ),
  };
}

/** The whole report as one self-contained HTML document. */
export function renderReportHtml(model: ReportModel, options: ReportRenderOptions = {}): string {
  const t = loadTemplates(options.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  return t.report({ report: model, view: buildView(model, t.css, options) });
}

/** The email bodies: page one of the report as HTML (inline styles, no SVG: mail clients drop it) and text. */
export function renderEmailBodies(model: ReportModel, options: EmailRenderOptions): { html: string; text: string } {
  const t = loadTemplates(options.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  const context = { report: model, view: buildView(model, '', {}), delivery: options.delivery, channel: options.channel };
  const text = t
    .emailText(context)
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    // keep the RFC 3676 signature separator's trailing space
    .replace(/^--$/m, '-- ');
  return { html: t.emailHtml(context), text };
}
