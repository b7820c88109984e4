/** Runs the CLI in-process with captured output and a fixed clock (no child process needed). */
import { Writable } from 'node:stream';
import { defaultContext, runCli } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/cli-context.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

export async function runCliCaptured(args: string[], overrides: Partial<CliContext> = {}): Promise<CliRun> {
  const out = sink();
  const err = sink();
  const ctx: CliContext = {
    ...defaultContext(overrides.env ?? process.env),
    stdout: out,
    stderr: err,
    now: () => new Date('2026-10-01T00:00:00.000Z'),
    ...overrides,
  };
  const code = await runCli(['node', 'netpol-audit', ...args], ctx);
  return { code, stdout: out.text, stderr: err.text };
}
