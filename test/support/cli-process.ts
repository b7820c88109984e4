/** Runs the built CLI (bin/netpol-audit.js) as a separate process, as users and CronJobs do. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = resolve(fileURLToPath(import.meta.url), '../../../bin/netpol-audit.js');

export interface ProcessRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): { child: ChildProcess; done: Promise<ProcessRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, ...(cwd ? { cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ProcessRun>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCliProcess(args: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): Promise<ProcessRun> {
  return startCli(args, env, cwd).done;
}
