/**
 * The engine's graceful stops share one type: a cluster too large or too tangled for the limits is refused
 * with an explanation and what to do, never analysed half-way, merged to fit, or left to run out of memory.
 * Callers that can go on without this cluster's analysis (a fleet report) catch this type.
 */
import { UserError } from '../model/user-error.js';

export abstract class EngineLimitError extends UserError {
  /** One line for progress output, e.g. `24 pod classes, cap 10`. */
  abstract readonly summary: string;
}
