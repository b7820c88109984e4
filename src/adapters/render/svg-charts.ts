/**
 * Inline SVG charts for the report: trend lines, findings by severity, the score gauge. Pure functions
 * returning markup with fixed sizes (they print the same on A4 and Letter), no script, no external
 * references, every text escaped; colours are attributes so a chart looks the same outside the report CSS.
 */
import { SEVERITIES, type Severity } from '../../core/findings/severity.js';
import type { TrendSeries } from '../../core/report/report-model.js';

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

export const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = {
  critical: '#7f1d1d',
  high: '#c2410c',
  medium: '#b45309',
  low: '#2563eb',
  info: '#64748b',
};

/** A >= 90 ... F below 60 (see core/findings/exposure.ts). */
export function gradeColour(grade: string | null | undefined): string {
  switch (grade) {
    case 'A':
      return '#15803d';
    case 'B':
      return '#4d7c0f';
    case 'C':
      return '#b45309';
    case 'D':
      return '#c2410c';
    case 'F':
      return '#b91c1c';
    default:
      return '#94a3b8';
  }
}

const INK = '#1e293b';
const MUTED = '#64748b';
const GRID = '#e2e8f0';
const LINE = '#1d4ed8';
const FONT = 'font-family="Liberation Sans, DejaVu Sans, Arial, Helvetica, sans-serif"';

/** Coordinates with at most two decimals, so the markup stays small and stable. */
function c(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** 81.3, 7, 12.5 — one decimal at most, no trailing zero. */
export function chartNumber(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}

/** The smallest of 1, 2, 3, 4, 5, 6, 8 x 10^k at or above n (at least 1): a round axis maximum whose half is round too. */
export function niceCeiling(n: number): number {
  if (!(n > 0)) return 1;
  const k = Math.pow(10, Math.floor(Math.log10(n)));
  for (const m of [1, 2, 3, 4, 5, 6, 8, 10]) if (m * k >= n) return m * k;
  return 10 * k;
}

function svgOpen(width: number, height: number, label: string, cls: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="${cls}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}"><title>${escapeXml(label)}</title>`;
}

/** Splits `2026-Q3` / `2026-07` into a short label and its year, for two-line axis labels. */
function splitPeriod(label: string): { short: string; year?: string } {
  const m = /^(\d{4})-(Q[1-4]|\d{2})$/.exec(label);
  return m ? { short: m[2]!, year: m[1]! } : { short: label };
}

export const TREND_CHART_SIZE = { width: 340, height: 170 } as const;

/**
 * A line chart of one series: the line breaks at null points (no snapshot in that period), which are
 * marked on the axis as `n/a`; the latest value is labelled; y runs 0-100 for scores and percentages,
 * 0 to a round ceiling for counts.
 */
export function trendChartSvg(series: TrendSeries): string {
  const { width, height } = TREND_CHART_SIZE;
  const left = 34;
  const right = 46;
  const top = 12;
  const bottom = 34;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const points = series.points;
  const values = points.map((p) => p.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const suffix = series.unit === '%' ? '%' : '';
  const bounded = series.unit === '%' || series.unit === 'score';
  const yMax = bounded ? 100 : niceCeiling(Math.max(0, ...values));
  const yMin = 0;
  const x = (i: number): number => (points.length <= 1 ? left + plotW / 2 : left + (i * plotW) / (points.length - 1));
  const y = (v: number): number => top + plotH - ((Math.min(Math.max(v, yMin), yMax) - yMin) / (yMax - yMin)) * plotH;

  const out: string[] = [svgOpen(width, height, `${series.title}: trend over ${points.length} periods`, 'chart trend-chart')];
  out.push(`<g ${FONT} font-size="9" fill="${MUTED}">`);
  // horizontal grid and y labels: 0, half, max
  const ticks = bounded || Number.isInteger(yMax / 2) ? [0, yMax / 2, yMax] : [0, yMax];
  for (const v of ticks) {
    out.push(`<line x1="${c(left)}" y1="${c(y(v))}" x2="${c(left + plotW)}" y2="${c(y(v))}" stroke="${GRID}" stroke-width="1"/>`);
    out.push(`<text x="${c(left - 4)}" y="${c(y(v) + 3)}" text-anchor="end">${escapeXml(chartNumber(v) + suffix)}</text>`);
  }
  // x labels (two lines: Q3 / 2026, the year only where it changes); gaps marked n/a
  let lastYear: string | undefined;
  points.forEach((p, i) => {
    const { short, year } = splitPeriod(p.period);
    const missing = p.value === null;
    out.push(`<text x="${c(x(i))}" y="${c(top + plotH + 12)}" text-anchor="middle"${missing ? ' font-style="italic"' : ''}>${escapeXml(short)}</text>`);
    if (year && year !== lastYear) out.push(`<text x="${c(x(i))}" y="${c(top + plotH + 22)}" text-anchor="middle">${escapeXml(year)}</text>`);
    lastYear = year ?? lastYear;
    if (missing) {
      out.push(`<line class="gap" x1="${c(x(i))}" y1="${c(top)}" x2="${c(x(i))}" y2="${c(top + plotH)}" stroke="#cbd5e1" stroke-width="1" stroke-dasharray="2 3"/>`);
      out.push(`<text class="gap-label" x="${c(x(i))}" y="${c(top + plotH - 4)}" text-anchor="middle" font-size="8" font-style="italic">n/a</text>`);
    }
  });
  out.push('</g>');

  if (!values.length) {
    out.push(`<text ${FONT} x="${c(left + plotW / 2)}" y="${c(top + plotH / 2)}" text-anchor="middle" font-size="11" fill="${MUTED}">No data for these periods</text>`);
    out.push('</svg>');
    return out.join('');
  }

  // the line, one polyline per run of consecutive points with data
  let run: string[] = [];
  const flush = (): void => {
    if (run.length > 1) out.push(`<polyline fill="none" stroke="${LINE}" stroke-width="2" stroke-linejoin="round" points="${run.join(' ')}"/>`);
    run = [];
  };
  points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) flush();
    else run.push(`${c(x(i))},${c(y(p.value))}`);
  });
  flush();

  let latest = -1;
  points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) return;
    latest = i;
    out.push(`<circle cx="${c(x(i))}" cy="${c(y(p.value))}" r="2.5" fill="${LINE}"><title>${escapeXml(`${p.period}: ${chartNumber(p.value)}${suffix}`)}</title></circle>`);
  });
  const last = points[latest]!;
  const lx = x(latest);
  const ly = y(last.value!);
  out.push(`<circle cx="${c(lx)}" cy="${c(ly)}" r="4" fill="#ffffff" stroke="${LINE}" stroke-width="2"/>`);
  out.push(`<text class="latest" ${FONT} x="${c(lx + 7)}" y="${c(ly + 4)}" font-size="11" font-weight="bold" fill="${INK}">${escapeXml(chartNumber(last.value!) + suffix)}</text>`);
  out.push('</svg>');
  return out.join('');
}

export const SEVERITY_BAR_SIZE = { width: 220, rowHeight: 17 } as const;

/** Horizontal bars, one per severity from critical to info, each with its count. */
export function severityBarSvg(counts: Readonly<Record<Severity, number>>, title = 'Findings by severity'): string {
  const { width, rowHeight } = SEVERITY_BAR_SIZE;
  const order = [...SEVERITIES].reverse();
  const height = order.length * rowHeight + 4;
  const labelW = 54;
  const countW = 28;
  const barMax = width - labelW - countW;
  const max = Math.max(1, ...order.map((s) => counts[s] ?? 0));
  const out: string[] = [svgOpen(width, height, `${title}: ${order.map((s) => `${s} ${counts[s] ?? 0}`).join(', ')}`, 'chart severity-chart')];
  out.push(`<g ${FONT} font-size="10">`);
  order.forEach((s, i) => {
    const n = counts[s] ?? 0;
    const yTop = 2 + i * rowHeight;
    const w = n > 0 ? Math.max(2, (n / max) * barMax) : 0;
    out.push(`<text x="0" y="${c(yTop + rowHeight / 2 + 3.5)}" fill="${INK}">${escapeXml(s[0]!.toUpperCase() + s.slice(1))}</text>`);
    out.push(`<rect x="${labelW}" y="${c(yTop + 3)}" width="${c(barMax)}" height="${c(rowHeight - 6)}" fill="#f1f5f9"/>`);
    if (w > 0) out.push(`<rect class="bar-${s}" x="${labelW}" y="${c(yTop + 3)}" width="${c(w)}" height="${c(rowHeight - 6)}" fill="${SEVERITY_COLOURS[s]}"/>`);
    out.push(`<text x="${c(width - 2)}" y="${c(yTop + rowHeight / 2 + 3.5)}" text-anchor="end" font-weight="bold" fill="${INK}">${n}</text>`);
  });
  out.push('</g></svg>');
  return out.join('');
}

export const SCORE_GAUGE_SIZE = { width: 180, height: 112 } as const;

/** A half-circle gauge of the 0-100 score coloured by grade, the score and grade in the middle. */
export function scoreGaugeSvg(score: number | null, grade: string | null): string {
  const { width, height } = SCORE_GAUGE_SIZE;
  const cx = width / 2;
  const cy = 88;
  const r = 72;
  const point = (t: number): string => {
    const a = Math.PI * (1 - t);
    return `${c(cx + r * Math.cos(a))},${c(cy - r * Math.sin(a))}`;
  };
  const arc = (t: number): string => `M ${point(0)} A ${r} ${r} 0 0 1 ${point(t)}`;
  const has = score !== null && Number.isFinite(score);
  const label = has ? `Containment score ${chartNumber(score)} of 100, grade ${grade ?? 'n/a'}` : 'Containment score: no data for the period';
  const colour = has ? gradeColour(grade) : '#94a3b8';
  const out: string[] = [svgOpen(width, height, label, 'chart score-gauge')];
  out.push(`<path d="${arc(1)}" fill="none" stroke="#e2e8f0" stroke-width="14" stroke-linecap="butt"/>`);
  if (has) {
    const t = Math.min(1, Math.max(0, score / 100));
    if (t > 0) out.push(`<path class="gauge-value" d="${arc(t)}" fill="none" stroke="${colour}" stroke-width="14" stroke-linecap="butt"/>`);
  }
  out.push(`<g ${FONT} text-anchor="middle">`);
  out.push(`<text x="${c(cx)}" y="${c(cy - 14)}" font-size="30" font-weight="bold" fill="${INK}">${has ? escapeXml(chartNumber(score)) : '—'}</text>`);
  out.push(`<text x="${c(cx)}" y="${c(cy + 6)}" font-size="12" font-weight="bold" fill="${colour}">${has ? `Grade ${escapeXml(grade ?? 'n/a')}` : 'No data'}</text>`);
  out.push(`<text x="${c(cx - r)}" y="${c(cy + 20)}" font-size="9" fill="${MUTED}">0</text>`);
  out.push(`<text x="${c(cx + r)}" y="${c(cy + 20)}" font-size="9" fill="${MUTED}">100</text>`);
  out.push('</g></svg>');
  return out.join('');
}
