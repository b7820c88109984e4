/**
 * How one Kubernetes API call is made safely: a client-side timeout per attempt, bounded retries with
 * exponential backoff and jitter for transient failures only, and a message for the failure that says what
 * went wrong and what to do — never with credentials in it.
 */

/** What a failed call amounted to, independent of the client library's error classes. */
export type KubeFailure =
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  /** The connection could not be made or broke (refused, reset, DNS). */
  | { readonly kind: 'network'; readonly code: string }
  /** The TLS handshake failed: a certificate problem that retrying does not fix. */
  | { readonly kind: 'tls'; readonly code: string }
  | {
      readonly kind: 'http';
      readonly status: number;
      /** metav1.Status reason, e.g. Forbidden, NotFound, Expired. */
      readonly reason?: string;
      /** metav1.Status message (the server's words). */
      readonly message?: string;
      /** From a Retry-After header (429, 503). */
      readonly retryAfterMs?: number;
    }
  | { readonly kind: 'other'; readonly message: string };

/** A call that failed for good (after its retries, or at once when retrying cannot help). */
export class KubeCallError extends Error {
  constructor(
    readonly failure: KubeFailure,
    readonly attempts: number,
  ) {
    super(`Kubernetes API call failed: ${failure.kind}${failure.kind === 'http' ? ` ${failure.status}` : ''}`);
    this.name = 'KubeCallError';
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Network codes that a retry cannot fix (a misspelt host name stays misspelt). */
const PERMANENT_NETWORK_CODES = new Set(['ENOTFOUND', 'ERR_INVALID_URL', 'ERR_INVALID_PROTOCOL']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The metav1.Status in an ApiException body: client-node gives the raw text for most codes, nothing for 401. */
function statusOf(body: unknown): { reason?: string; message?: string } {
  let b: unknown = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 300) } : {};
    }
  }
  if (!isObject(b)) return {};
  return {
    ...(typeof b['reason'] === 'string' && b['reason'] ? { reason: b['reason'] } : {}),
    ...(typeof b['message'] === 'string' && b['message'] ? { message: b['message'].slice(0, 500) } : {}),
  };
}

function retryAfterMs(headers: unknown): number | undefined {
  if (!isObject(headers)) return undefined;
  const v = headers['retry-after'] ?? headers['Retry-After'];
  if (typeof v !== 'string' || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim()) * 1000;
}

/**
 * Maps whatever a client-node call threw to a KubeFailure. Duck-typed on purpose (ApiException has a numeric
 * `code`; node-fetch errors have `name` FetchError/AbortError and a string `code`), so it also works for errors
 * from other copies of the library.
 */
export function classifyKubeError(err: unknown, timeoutMs: number): KubeFailure {
  if (err instanceof KubeCallError) return err.failure;
  if (!isObject(err)) return { kind: 'other', message: String(err) };
  const name = typeof err['name'] === 'string' ? err['name'] : '';
  if (name === 'AbortError' || name === 'TimeoutError' || err['type'] === 'aborted') return { kind: 'timeout', timeoutMs };
  if (typeof err['code'] === 'number' && err['code'] >= 100 && err['code'] < 600) {
    const status = err['code'];
    const ra = retryAfterMs(err['headers']);
    return { kind: 'http', status, ...statusOf(err['body']), ...(ra !== undefined ? { retryAfterMs: ra } : {}) };
  }
  const code = typeof err['code'] === 'string' ? err['code'] : typeof err['errno'] === 'string' ? err['errno'] : undefined;
  if (code) {
    if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_')) return { kind: 'tls', code };
    return { kind: 'network', code };
  }
  const message = typeof err['message'] === 'string' ? err['message'] : String(err);
  return { kind: 'other', message };
}

/** Timeouts, connection errors, 429 and 5xx are worth another attempt; 4xx answers and TLS problems are not. */
export function isRetryable(f: KubeFailure): boolean {
  switch (f.kind) {
    case 'timeout':
      return true;
    case 'network':
      return !PERMANENT_NETWORK_CODES.has(f.code);
    case 'http':
      return f.status === 429 || (f.status >= 500 && f.status <= 599);
    default:
      return false;
  }
}

export interface BackoffSettings {
  /** Delay before the first retry, before jitter. */
  readonly baseDelayMs: number;
  /** Upper bound of any one delay (Retry-After included). */
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseDelayMs: 250, maxDelayMs: 8_000 };

/**
 * Delay before retry number `retry` (0 = the first retry): exponential, capped, with "equal jitter" (half
 * fixed, half random) so clients that failed together do not retry in lockstep, yet never retry at once.
 * A server's Retry-After is honoured as a lower bound (still capped).
 */
export function backoffDelayMs(retry: number, settings: BackoffSettings, random: () => number, retryAfter?: number): number {
  const exp = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retry);
  const jittered = exp / 2 + random() * (exp / 2);
  const withServerHint = retryAfter !== undefined ? Math.max(jittered, retryAfter) : jittered;
  return Math.round(Math.min(settings.maxDelayMs, withServerHint));
}

export interface CallPolicy {
  readonly timeoutMs: number;
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly backoff?: BackoffSettings;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told about each retry before its delay (for progress output). */
  readonly onRetry?: (failure: KubeFailure, retry: number, delayMs: number) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` with a fresh AbortSignal that fires after `timeoutMs` per attempt; retries transient failures.
 * Throws KubeCallError with the last failure and the number of attempts made.
 */
export async function callWithPolicy<T>(call: (signal: AbortSignal) => Promise<T>, policy: CallPolicy): Promise<T> {
  const backoff = policy.backoff ?? DEFAULT_BACKOFF;
  const random = policy.random ?? Math.random;
  const sleep = policy.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt++) {
    const signal = AbortSignal.timeout(policy.timeoutMs);
    try {
      return await call(signal);
    } catch (err) {
      // our own timer fired, whatever error the library turned that into
      const failure = signal.aborted ? { kind: 'timeout' as const, timeoutMs: policy.timeoutMs } : classifyKubeError(err, policy.timeoutMs);
      if (attempt >= policy.retries || !isRetryable(failure)) throw new KubeCallError(failure, attempt + 1);
      const delay = backoffDelayMs(attempt, backoff, random, failure.kind === 'http' ? failure.retryAfterMs : undefined);
      policy.onRetry?.(failure, attempt + 1, delay);
      await sleep(delay);
    }
  }
}

/** What a call was trying to read, for messages (and for naming the RBAC rule it needs). */
export interface ResourceAccess {
  readonly verb: 'list' | 'get';
  /** Plural resource name, e.g. networkpolicies. */
  readonly resource: string;
  /** API group; '' is the core group. */
  readonly group: string;
  readonly version: string;
  /** Absent: cluster scope (all namespaces). */
  readonly namespace?: string;
}

export const RBAC_FILE_HINT = 'config/deploy/rbac.yaml';

export function qualifiedResource(a: Pick<ResourceAccess, 'resource' | 'group'>): string {
  return a.group ? `${a.resource}.${a.group}` : a.resource;
}

/**
 * The 403 message: which permission is missing and how to grant it, e.g. `forbidden: cannot list
 * networkpolicies.networking.k8s.io at cluster scope (grant list on networkpolicies in API group
 * networking.k8s.io; see config/deploy/rbac.yaml)`. The user name is taken from the server's message when it
 * names one (a user name is not a credential).
 */
export function forbiddenMessage(access: ResourceAccess, serverMessage?: string): string {
  const scope = access.namespace ? `in namespace ${access.namespace}` : 'at cluster scope';
  const user = serverMessage?.match(/User "([^"]*)"/)?.[1];
  const group = access.group ? `API group ${access.group}` : 'the core API group ""';
  return (
    `forbidden: cannot ${access.verb} ${qualifiedResource(access)} ${scope}${user !== undefined ? ` as user "${user}"` : ''} ` +
    `(grant ${access.verb} on ${access.resource} in ${group}; see ${RBAC_FILE_HINT})`
  );
}

const NETWORK_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
};

export interface FailureContext {
  /** What was being done, e.g. `list pods` or `read /version`. */
  readonly action: string;
  /** API server URL (never with credentials). */
  readonly server: string;
  /** kubeconfig context, for the 401 message. */
  readonly context?: string;
  readonly access?: ResourceAccess;
  readonly attempts: number;
}

/** One line saying what failed and what to do. Built only from classified fields: no request headers, no body. */
export function describeFailure(f: KubeFailure, ctx: FailureContext): string {
  const tries = ctx.attempts > 1 ? ` (${ctx.attempts} attempts)` : '';
  switch (f.kind) {
    case 'timeout':
      return `timed out: ${ctx.server} did not answer within ${f.timeoutMs} ms while trying to ${ctx.action}${tries}`;
    case 'network':
      return `cannot connect to ${ctx.server}: ${NETWORK_TEXT[f.code] ?? 'network error'} (${f.code}) while trying to ${ctx.action}${tries}`;
    case 'tls':
      return (
        `TLS error talking to ${ctx.server} (${f.code}) while trying to ${ctx.action}: check the cluster's ` +
        'certificate-authority in the kubeconfig and the server address'
      );
    case 'http': {
      if (f.status === 401) {
        return (
          `unauthorized: ${ctx.server} rejected the credentials${ctx.context ? ` of context ${ctx.context}` : ''} (HTTP 401) ` +
          `while trying to ${ctx.action}; they may be expired or revoked: renew them and retry`
        );
      }
      if (f.status === 403 && ctx.access) return forbiddenMessage(ctx.access, f.message);
      if (f.status === 404 && ctx.access) {
        return `not found: ${ctx.server} does not serve ${qualifiedResource(ctx.access)} (${ctx.access.group || 'core'}/${ctx.access.version}) (HTTP 404)`;
      }
      const said = f.message ? `: ${f.message}` : '';
      return `${ctx.server} answered HTTP ${f.status}${f.reason ? ` ${f.reason}` : ''} while trying to ${ctx.action}${said}${tries}`;
    }
    case 'other':
      return `failed to ${ctx.action} on ${ctx.server}: ${f.message}`;
  }
}

export function isHttpStatus(err: unknown, status: number): boolean {
  return err instanceof KubeCallError && err.failure.kind === 'http' && err.failure.status === status;
}
