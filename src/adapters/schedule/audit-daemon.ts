/**
 * The long-running scheduler: node-cron fires snapshot and report runs from the configuration. Runs never
 * overlap (a run that fires while another is busy is queued once and runs right after), a missed report
 * is caught up at start-up, and stop() (on SIGTERM) cancels the schedules, asks the current run to stop
 * between steps, and waits for it within a grace period. A heartbeat file shows the daemon is alive.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log/logger.js';
import type { ScheduleConfig } from '../../config/netpol-audit-config.js';

export type JobKind = 'snapshot' | 'report';

export interface DaemonDeps {
  readonly schedule: ScheduleConfig;
  /** Runs one job; must honour the signal between steps. Errors are logged, never crash the daemon. */
  readonly run: (kind: JobKind, signal: AbortSignal) => Promise<unknown>;
  readonly log: Logger;
  /** Touched when the daemon starts and after every job and minute. */
  readonly heartbeatFile?: string;
  readonly now?: () => Date;
}

export class AuditDaemon {
  private tasks: ScheduledTask[] = [];
  private busy: Promise<void> | undefined;
  private readonly pending = new Set<JobKind>();
  private readonly abort = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping = false;
  /** Runs started, in order (for logs and tests). */
  readonly history: { kind: JobKind; startedAt: Date; finishedAt?: Date; error?: string }[] = [];

  constructor(private readonly deps: DaemonDeps) {}

  start(): void {
    const { schedule, log } = this.deps;
    const opts = { timezone: schedule.timezone, noOverlap: false };
    for (const kind of ['snapshot', 'report'] as const) {
      const task = cron.schedule(schedule[kind], () => this.trigger(kind), { ...opts, name: `netpol-audit-${kind}` });
      // a slot passed while the process was blocked: said in our log (node-cron would print its own
      // coloured, non-JSON warning to stderr otherwise)
      task.on('execution:missed', (ctx) => log.warn('schedule slot missed (the process was busy)', { job: kind, slot: ctx.date.toISOString() }));
      this.tasks.push(task);
    }
    log.info('daemon started', {
      timezone: schedule.timezone,
      snapshot: schedule.snapshot,
      report: schedule.report,
      nextSnapshot: this.tasks[0]!.getNextRun()?.toISOString(),
      nextReport: this.tasks[1]!.getNextRun()?.toISOString(),
    });
    this.beat();
    this.heartbeat = setInterval(() => this.beat(), 60_000);
    this.heartbeat.unref();
    // a report due while the daemon was down is produced now (the report step is idempotent)
    if (schedule.catchUp) this.trigger('report', 'catch-up');
  }

  /** Queues a run; if one is busy, this kind runs once right after it. */
  trigger(kind: JobKind, reason = 'scheduled'): void {
    if (this.stopping) return;
    if (this.busy) {
      if (!this.pending.has(kind)) this.deps.log.info('run queued: another run is in progress', { job: kind, reason });
      this.pending.add(kind);
      return;
    }
    this.busy = this.execute(kind, reason).finally(() => {
      this.busy = undefined;
      const next = [...this.pending][0];
      if (next && !this.stopping) {
        this.pending.delete(next);
        this.trigger(next, 'queued');
      }
    });
  }

  private async execute(kind: JobKind, reason: string): Promise<void> {
    const entry: (typeof this.history)[number] = { kind, startedAt: this.now() };
    this.history.push(entry);
    this.deps.log.info('run started', { job: kind, reason });
    try {
      await this.deps.run(kind, this.abort.signal);
      this.deps.log.info('run finished', { job: kind, durationMs: this.now().getTime() - entry.startedAt.getTime() });
    } catch (e) {
      entry.error = (e as Error).message;
      this.deps.log.error('run failed', { job: kind, reason: (e as Error).message });
    } finally {
      entry.finishedAt = this.now();
      this.beat();
    }
  }

  /** Whether a run is in progress. */
  get running(): boolean {
    return this.busy !== undefined;
  }

  /** Cancels schedules, asks the current run to stop between steps, waits for it up to graceMs. */
  async stop(graceMs: number): Promise<'idle' | 'finished' | 'abandoned'> {
    this.stopping = true;
    this.pending.clear();
    for (const t of this.tasks) await t.destroy();
    this.tasks = [];
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (!this.busy) {
      this.deps.log.info('daemon stopped');
      return 'idle';
    }
    this.deps.log.info('stopping: waiting for the current run', { graceMs });
    this.abort.abort();
    const done = await Promise.race([this.busy.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
    this.deps.log.info(done ? 'daemon stopped after the current run' : 'daemon stopped: the current run was abandoned (stored history is transactional)');
    return done ? 'finished' : 'abandoned';
  }

  private beat(): void {
    if (!this.deps.heartbeatFile) return;
    try {
      mkdirSync(dirname(this.deps.heartbeatFile), { recursive: true });
      writeFileSync(this.deps.heartbeatFile, `${this.now().toISOString()}\n`);
    } catch (e) {
      this.deps.log.warn('cannot write the heartbeat file', { file: this.deps.heartbeatFile, reason: (e as Error).message });
    }
  }

  private now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }
}
