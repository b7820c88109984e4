import { describe, expect, it } from 'vitest';
import {
  chartNumber,
  escapeXml,
  niceCeiling,
  scoreGaugeSvg,
  severityBarSvg,
  trendChartSvg,
  TREND_CHART_SIZE,
} from '../../../../src/adapters/render/svg-charts.js';
import type { TrendSeries } from '../../../../src/core/report/report-model.js';
import { checkWellFormedXml } from '../../../support/xml-well-formed.js';

const series = (values: (number | null)[], unit: TrendSeries['unit'] = 'score', title = 'Containment score'): TrendSeries => ({
  id: 'containment-score',
  title,
  unit,
  points: values.map((value, i) => ({ period: `${2025 + Math.floor(i / 4)}-Q${(i % 4) + 1}`, value })),
});

function polylines(svg: string): string[][] {
  return [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(' '));
}

describe('trend chart', () => {
  it('is well-formed SVG of a fixed size with no script or external reference', () => {
    const svg = trendChartSvg(series([58.2, 61, 66.4, null, 70.3, 74.8, 76.9, 81.3]));
    const { problems, elements } = checkWellFormedXml(svg);
    expect(problems).toEqual([]);
    expect(elements[0]).toBe('svg');
    expect(elements).not.toContain('script');
    expect(elements).not.toContain('foreignObject');
    expect(svg).toContain(`width="${TREND_CHART_SIZE.width}" height="${TREND_CHART_SIZE.height}"`);
    expect(svg).not.toMatch(/href|url\(|on[a-z]+=/i);
  });

  it('breaks the line at a missing period instead of joining across it, and marks the gap', () => {
    const svg = trendChartSvg(series([58.2, 61, 66.4, null, 70.3, 74.8, 76.9, 81.3]));
    const lines = polylines(svg);
    expect(lines.map((l) => l.length)).toEqual([3, 4]);
    expect(svg.match(/class="gap"/g)).toHaveLength(1);
    expect(svg).toContain('>n/a<');
    // one dot per value, plus the ring around the latest
    expect(svg.match(/<circle /g)).toHaveLength(7 + 1);
  });

  it('places points on the scale: 0 at the bottom, 100 at the top for scores', () => {
    const svg = trendChartSvg(series([0, 100]));
    const [line] = polylines(svg);
    const [a, b] = line!.map((p) => p.split(',').map(Number));
    expect(a![1]).toBeGreaterThan(b![1]!);
    expect(a![0]).toBeLessThan(b![0]!);
    // 0 and 100 sit on the grid lines labelled 0 and 100
    expect(svg).toMatch(new RegExp(`<line x1="[\\d.]+" y1="${a![1]}"`));
    expect(svg).toMatch(new RegExp(`<line x1="[\\d.]+" y1="${b![1]}"`));
  });

  it('labels the latest value with its unit, even when the last period has no data', () => {
    expect(trendChartSvg(series([40, 50.25, 71.2], '%'))).toMatch(/class="latest"[^>]*>71\.2%</);
    expect(trendChartSvg(series([3, 9, null], ''))).toMatch(/class="latest"[^>]*>9</);
  });

  it('draws an isolated point between two gaps as a dot without a line', () => {
    const svg = trendChartSvg(series([null, 5, null], ''));
    expect(polylines(svg)).toEqual([]);
    expect(svg.match(/<circle /g)).toHaveLength(2);
  });

  it('says so when no period has data', () => {
    const svg = trendChartSvg(series([null, null, null]));
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    expect(svg).toContain('No data for these periods');
    expect(svg).not.toContain('<polyline');
  });

  it('uses a round axis maximum for counts, with integer ticks', () => {
    expect(niceCeiling(21)).toBe(30);
    expect(niceCeiling(58)).toBe(60);
    expect(niceCeiling(3)).toBe(3);
    expect(niceCeiling(0)).toBe(1);
    const svg = trendChartSvg(series([21, 18, 8], ''));
    expect(svg).toContain('>30<');
    expect(svg).toContain('>15<');
  });

  it('escapes titles and period labels', () => {
    const s: TrendSeries = { id: 'policies', title: '<script>alert(1)</script> & "x"', unit: '', points: [{ period: '<b>', value: 1 }] };
    const svg = trendChartSvg(s);
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
    expect(svg).toContain('&lt;b&gt;');
  });

  it('writes the year under the first quarter of each year', () => {
    const svg = trendChartSvg(series([1, 2, 3, 4, 5, 6]));
    expect(svg.match(/>2025</g)).toHaveLength(1);
    expect(svg.match(/>2026</g)).toHaveLength(1);
    expect(svg.match(/>Q1</g)).toHaveLength(2);
  });
});

describe('severity bar', () => {
  it('draws one bar per non-zero severity, scaled to the largest, with every count written', () => {
    const svg = severityBarSvg({ critical: 1, high: 5, medium: 10, low: 0, info: 2 });
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    const width = (s: string): number => Number(new RegExp(`class="bar-${s}"[^>]*width="([\\d.]+)"`).exec(svg)![1]);
    expect(width('medium')).toBeCloseTo(2 * width('high'), 1);
    expect(svg).not.toContain('bar-low');
    for (const label of ['Critical', 'High', 'Medium', 'Low', 'Info']) expect(svg).toContain(`>${label}<`);
    expect(svg).toContain('aria-label="Findings by severity: critical 1, high 5, medium 10, low 0, info 2"');
  });

  it('handles no findings at all', () => {
    const svg = severityBarSvg({ critical: 0, high: 0, medium: 0, low: 0, info: 0 });
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    expect(svg).not.toMatch(/class="bar-/);
  });
});

describe('score gauge', () => {
  it('shows the score and grade, the arc proportional to the score', () => {
    const svg = scoreGaugeSvg(81.3, 'B');
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    expect(svg).toContain('>81.3<');
    expect(svg).toContain('>Grade B<');
    const half = scoreGaugeSvg(50, 'F');
    // the value arc of 50 ends straight above the centre
    expect(half).toMatch(/class="gauge-value" d="M 18,88 A 72 72 0 0 1 90,16"/);
  });

  it('shows no number when there is no data', () => {
    const svg = scoreGaugeSvg(null, null);
    expect(checkWellFormedXml(svg).problems).toEqual([]);
    expect(svg).toContain('No data');
    expect(svg).not.toContain('gauge-value');
  });

  it('escapes a grade', () => {
    expect(scoreGaugeSvg(10, '<x>')).toContain('Grade &lt;x&gt;');
  });
});

describe('helpers', () => {
  it('formats chart numbers with at most one decimal', () => {
    expect(chartNumber(81.34)).toBe('81.3');
    expect(chartNumber(7)).toBe('7');
    expect(chartNumber(7.04)).toBe('7');
  });
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
