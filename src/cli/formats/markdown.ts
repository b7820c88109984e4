/** Markdown tables with escaped cells. */

export function mdCell(v: unknown): string {
  return String(v ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function mdTable(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  let out = `| ${header.map(mdCell).join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |\n`;
  for (const r of rows) out += `| ${r.map(mdCell).join(' | ')} |\n`;
  return out;
}
