/** `netpol-audit health`: whether the daemon is alive (its heartbeat is recent); the container HEALTHCHECK. */
import { statSync } from 'node:fs';
import { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { heartbeatFile } from './daemon-command.js';

export function healthCommand(ctx: CliContext): Command {
  return new Command('health')
    .description("exit 0 when the daemon's heartbeat is recent, 1 otherwise (for container health checks)")
    .option('--max-age <seconds>', 'heartbeat age above which the daemon counts as unhealthy', '300')
    .action((opts: { maxAge: string }) => {
      const file = heartbeatFile(ctx.env);
      let age: number;
      try {
        age = (ctx.now().getTime() - statSync(file).mtimeMs) / 1000;
      } catch {
        ctx.stdout.write(`unhealthy: no heartbeat at ${file} (is the daemon running?)\n`);
        process.exitCode = 1;
        return;
      }
      if (age > Number(opts.maxAge)) {
        ctx.stdout.write(`unhealthy: last heartbeat ${Math.round(age)} s ago (more than ${opts.maxAge} s)\n`);
        process.exitCode = 1;
        return;
      }
      ctx.stdout.write(`healthy: last heartbeat ${Math.round(age)} s ago\n`);
    });
}
