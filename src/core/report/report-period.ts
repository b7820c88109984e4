/** Report periods: calendar quarters (`2026-Q3`), months (`2026-07`) or explicit ranges. Pure date arithmetic in UTC. */
import { UserError } from '../model/user-error.js';
import type { ReportPeriod } from './report-model.js';

export type PeriodKind = 'quarter' | 'month';

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m is 1-based

export function quarterPeriod(year: number, q: number): ReportPeriod {
  const m0 = (q - 1) * 3 + 1;
  return { label: `${year}-Q${q}`, from: `${year}-${pad(m0)}-01`, to: `${year}-${pad(m0 + 2)}-${pad(lastDay(year, m0 + 2))}` };
}

export function monthPeriod(year: number, m: number): ReportPeriod {
  return { label: `${year}-${pad(m)}`, from: `${year}-${pad(m)}-01`, to: `${year}-${pad(m)}-${pad(lastDay(year, m))}` };
}

/** Parses `2026-Q3`, `2026-07`, or `FROM..TO` (dates). */
export function parsePeriod(text: string): ReportPeriod {
  const t = text.trim();
  let m = t.match(/^(\d{4})-Q([1-4])$/i);
  if (m) return quarterPeriod(Number(m[1]), Number(m[2]));
  m = t.match(/^(\d{4})-(\d{2})$/);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return monthPeriod(Number(m[1]), Number(m[2]));
  m = t.match(/^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/);
  if (m && isDate(m[1]!) && isDate(m[2]!) && m[1]! <= m[2]!) return { label: `${m[1]}..${m[2]}`, from: m[1]!, to: m[2]! };
  throw new UserError(`"${text}" is not a report period`, 'use a quarter like 2026-Q3, a month like 2026-07, or --from 2026-07-01 --to 2026-09-30');
}

export function rangePeriod(from: string, to: string): ReportPeriod {
  return parsePeriod(`${from}..${to}`);
}

function isDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** The period of a kind containing a date (YYYY-MM-DD or ISO). */
export function periodContaining(kind: PeriodKind, date: string): ReportPeriod {
  const y = Number(date.slice(0, 4));
  const mo = Number(date.slice(5, 7));
  return kind === 'quarter' ? quarterPeriod(y, Math.floor((mo - 1) / 3) + 1) : monthPeriod(y, mo);
}

/** The period before: the previous quarter/month, or a range of equal length ending the day before. */
export function previousPeriod(p: ReportPeriod): ReportPeriod {
  let m = p.label.match(/^(\d{4})-Q([1-4])$/);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return q === 1 ? quarterPeriod(y - 1, 4) : quarterPeriod(y, q - 1);
  }
  m = p.label.match(/^(\d{4})-(\d{2})$/);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    return mo === 1 ? monthPeriod(y - 1, 12) : monthPeriod(y, mo - 1);
  }
  const days = Math.round((Date.parse(`${p.to}T00:00:00Z`) - Date.parse(`${p.from}T00:00:00Z`)) / 86_400_000) + 1;
  const to = new Date(Date.parse(`${p.from}T00:00:00Z`) - 86_400_000);
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return rangePeriod(from.toISOString().slice(0, 10), to.toISOString().slice(0, 10));
}

/** The last n periods ending with p, oldest first. */
export function trailingPeriods(p: ReportPeriod, n: number): ReportPeriod[] {
  const out = [p];
  while (out.length < n) out.unshift(previousPeriod(out[0]!));
  return out;
}

/** First and last instants of a period (ISO). */
export function periodBounds(p: ReportPeriod): { start: string; end: string } {
  return { start: `${p.from}T00:00:00.000Z`, end: `${p.to}T23:59:59.999Z` };
}

/** Whether the period has ended by `now` (its last day is over). */
export function periodClosed(p: ReportPeriod, now: Date): boolean {
  return now.toISOString() > periodBounds(p).end;
}
