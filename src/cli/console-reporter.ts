/**
 * Everything the CLI tells the user besides its result goes to stderr: problems with inputs, and progress
 * lines on long work (only on a TTY, never in JSON mode or with --quiet).
 */
import { formatProblem, type ObjectProblem } from '../core/model/object-problem.js';

export interface Reporter {
  problems(list: readonly ObjectProblem[]): void;
  progress(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export interface ReporterOptions {
  readonly quiet?: boolean;
  /** Machine output on stdout (json/csv/sarif): keep stderr to problems only. */
  readonly machineOutput?: boolean;
  readonly stream?: NodeJS.WriteStream;
}

export function consoleReporter(opts: ReporterOptions = {}): Reporter {
  const stream = opts.stream ?? process.stderr;
  const showProgress = !opts.quiet && !opts.machineOutput && stream.isTTY === true && !process.env['CI'];
  return {
    problems(list) {
      const errors = list.filter((p) => p.severity === 'error');
      const warnings = list.filter((p) => p.severity === 'warning');
      if (!opts.quiet) for (const w of warnings) stream.write(`${formatProblem(w)}\n`);
      for (const e of errors) stream.write(`${formatProblem(e)}\n`);
    },
    progress(message) {
      if (showProgress) stream.write(`… ${message}\n`);
    },
    info(message) {
      if (!opts.quiet) stream.write(`${message}\n`);
    },
    warn(message) {
      if (!opts.quiet) stream.write(`warning: ${message}\n`);
    },
  };
}
