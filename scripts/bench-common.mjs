import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Shared by the benchmark scripts: command-line flags, line-wise reading of a child's output, whether
// dist/ is older than src/, and medians.
//
// Flags: `--flag value` and `--flag=value`, numbers checked.
//
//   parseFlags(argv, fail, (flag, arg) => { switch (flag) { case '--runs': o.runs = arg.number(1); return true; } return false; })
//
// `handle` returns false for a flag it does not know; `fail(message)` prints the usage and exits.

export function parseFlags(argv, fail, handle) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    const number = (min) => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < min) fail(`${flag} needs a number >= ${min}`);
      return n;
    };
    if (!handle(flag, { value, number })) fail(`unknown option ${a}`);
  }
}

/** Calls fn for each complete line a stream emits (a child's stderr carries `@@phase` markers). */
export function forEachLine(stream, fn) {
  let buffered = '';
  stream.on('data', (d) => {
    buffered += d;
    const lines = buffered.split('\n');
    buffered = lines.pop();
    for (const line of lines) fn(line);
  });
}

/** The newest modification time of the .ts files under a folder (to tell whether dist/ is stale). */
export function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Median, min and max of some measurements, and how many there were. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}
