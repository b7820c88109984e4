import { AbortError, ApiException, FetchError } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  callWithPolicy,
  classifyKubeError,
  describeFailure,
  forbiddenMessage,
  isRetryable,
  KubeCallError,
  type KubeFailure,
} from '../../../../src/adapters/kube/kube-call-policy.js';

const statusBody = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

const apiError = (code: number, reason = 'X', message = 'm', headers: Record<string, string> = {}) =>
  new ApiException<string>(code, 'Unknown API Status Code!', statusBody(code, reason, message), headers);

const systemError = (code: string) => Object.assign(new FetchError(`request to https://h/api failed, reason: ${code}`, 'system'), { code });

describe('classifyKubeError', () => {
  it('reads status, reason and message of an ApiException (raw JSON body)', () => {
    expect(classifyKubeError(apiError(403, 'Forbidden', 'pods is forbidden: User "nobody" cannot list'), 1000)).toEqual({
      kind: 'http',
      status: 403,
      reason: 'Forbidden',
      message: 'pods is forbidden: User "nobody" cannot list',
    });
  });

  it('handles a 401 without body (client-node throws it with body undefined)', () => {
    expect(classifyKubeError(new ApiException(401, 'Unauthorized', undefined, {}), 1000)).toEqual({ kind: 'http', status: 401 });
  });

  it('reads Retry-After', () => {
    expect(classifyKubeError(apiError(429, 'TooManyRequests', 'slow down', { 'retry-after': '2' }), 1000)).toMatchObject({ status: 429, retryAfterMs: 2000 });
  });

  it('keeps a non-JSON body short', () => {
    const f = classifyKubeError(new ApiException(502, 'x', '<html>' + 'x'.repeat(1000), {}), 1000);
    expect(f.kind === 'http' && f.message!.length).toBeLessThanOrEqual(300);
  });

  it('maps node-fetch errors: aborted -> timeout, system codes -> network or tls', () => {
    expect(classifyKubeError(new AbortError('The user aborted a request.'), 1234)).toEqual({ kind: 'timeout', timeoutMs: 1234 });
    expect(classifyKubeError(systemError('ECONNREFUSED'), 1)).toEqual({ kind: 'network', code: 'ECONNREFUSED' });
    expect(classifyKubeError(systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), 1)).toEqual({ kind: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(classifyKubeError(systemError('ERR_TLS_CERT_ALTNAME_INVALID'), 1)).toEqual({ kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('anything else is "other"', () => {
    expect(classifyKubeError(new Error('boom'), 1)).toEqual({ kind: 'other', message: 'boom' });
    expect(classifyKubeError('weird', 1)).toEqual({ kind: 'other', message: 'weird' });
  });
});

describe('isRetryable', () => {
  const http = (status: number): KubeFailure => ({ kind: 'http', status });
  it.each([429, 500, 502, 503, 504])('retries HTTP %i', (s) => expect(isRetryable(http(s))).toBe(true));
  it.each([400, 401, 403, 404, 409, 410, 422])('never retries HTTP %i', (s) => expect(isRetryable(http(s))).toBe(false));
  it('retries timeouts and connection errors, not TLS problems or unknown hosts', () => {
    expect(isRetryable({ kind: 'timeout', timeoutMs: 1 })).toBe(true);
    expect(isRetryable({ kind: 'network', code: 'ECONNREFUSED' })).toBe(true);
    expect(isRetryable({ kind: 'network', code: 'ECONNRESET' })).toBe(true);
    expect(isRetryable({ kind: 'network', code: 'ENOTFOUND' })).toBe(false);
    expect(isRetryable({ kind: 'tls', code: 'CERT_HAS_EXPIRED' })).toBe(false);
    expect(isRetryable({ kind: 'other', message: 'x' })).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  const s = { baseDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per retry, jittered within [half, full], capped', () => {
    expect([0, 1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, s, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 5].map((r) => backoffDelayMs(r, s, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(2, s, Math.random);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
  it('honours Retry-After as a lower bound, still capped', () => {
    expect(backoffDelayMs(0, s, () => 0, 700)).toBe(700);
    expect(backoffDelayMs(0, s, () => 0, 5000)).toBe(1000);
  });
});

describe('callWithPolicy', () => {
  const noSleep = { sleep: async () => {}, random: () => 0.5 };

  it('retries transient failures up to `retries` times, then reports the attempts', async () => {
    let calls = 0;
    const delays: number[] = [];
    const err = await callWithPolicy(
      async () => {
        calls++;
        throw apiError(503, 'ServiceUnavailable', 'etcd down');
      },
      { timeoutMs: 1000, retries: 3, backoff: { baseDelayMs: 10, maxDelayMs: 1000 }, ...noSleep, onRetry: (_f, _r, d) => delays.push(d) },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(delays).toEqual([8, 15, 30]);
    expect(err).toBeInstanceOf(KubeCallError);
    expect((err as KubeCallError).attempts).toBe(4);
    expect((err as KubeCallError).failure).toMatchObject({ kind: 'http', status: 503 });
  });

  it('succeeds after a transient failure', async () => {
    let calls = 0;
    const v = await callWithPolicy(
      async () => {
        if (++calls < 3) throw systemError('ECONNRESET');
        return 'ok';
      },
      { timeoutMs: 1000, retries: 3, ...noSleep },
    );
    expect([v, calls]).toEqual(['ok', 3]);
  });

  it.each([401, 403, 404, 422])('does not retry HTTP %i', async (status) => {
    let calls = 0;
    const err = await callWithPolicy(
      async () => {
        calls++;
        throw apiError(status);
      },
      { timeoutMs: 1000, retries: 5, ...noSleep },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect((err as KubeCallError).attempts).toBe(1);
  });

  it('gives each attempt its own AbortSignal that fires after timeoutMs, and calls that a timeout', async () => {
    const signals: AbortSignal[] = [];
    const started = Date.now();
    const err = await callWithPolicy(
      (signal) =>
        new Promise((_resolve, reject) => {
          signals.push(signal);
          signal.addEventListener('abort', () => reject(new AbortError('The user aborted a request.')));
        }),
      { timeoutMs: 50, retries: 1, ...noSleep },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect((err as KubeCallError).failure).toEqual({ kind: 'timeout', timeoutMs: 50 });
  });
});

describe('messages', () => {
  it('403 names the missing permission, scope and the RBAC file', () => {
    const msg = forbiddenMessage({ verb: 'list', resource: 'networkpolicies', group: 'networking.k8s.io', version: 'v1' });
    expect(msg).toBe(
      'forbidden: cannot list networkpolicies.networking.k8s.io at cluster scope (grant list on networkpolicies in API group networking.k8s.io; see config/deploy/rbac.yaml)',
    );
  });

  it('403 for the core group, with the user the server named', () => {
    const msg = forbiddenMessage(
      { verb: 'list', resource: 'pods', group: '', version: 'v1' },
      'pods is forbidden: User "system:serviceaccount:audit:reader" cannot list resource "pods" in API group "" at the cluster scope',
    );
    expect(msg).toBe(
      'forbidden: cannot list pods at cluster scope as user "system:serviceaccount:audit:reader" (grant list on pods in the core API group ""; see config/deploy/rbac.yaml)',
    );
  });

  it('describeFailure uses the access for 403/404 and never echoes more than classified fields', () => {
    const ctx = { action: 'list pods', server: 'https://10.0.0.1:6443', context: 'prod', attempts: 1 };
    const acc = { verb: 'list' as const, resource: 'adminnetworkpolicies', group: 'policy.networking.k8s.io', version: 'v1alpha1' };
    expect(describeFailure({ kind: 'http', status: 403, message: 'x' }, { ...ctx, access: acc })).toMatch(/^forbidden: cannot list adminnetworkpolicies\.policy\.networking\.k8s\.io/);
    expect(describeFailure({ kind: 'http', status: 404 }, { ...ctx, access: acc })).toBe(
      'not found: https://10.0.0.1:6443 does not serve adminnetworkpolicies.policy.networking.k8s.io (policy.networking.k8s.io/v1alpha1) (HTTP 404)',
    );
    expect(describeFailure({ kind: 'http', status: 401 }, ctx)).toBe(
      'unauthorized: https://10.0.0.1:6443 rejected the credentials of context prod (HTTP 401) while trying to list pods; they may be expired or revoked: renew them and retry',
    );
    expect(describeFailure({ kind: 'timeout', timeoutMs: 500 }, { ...ctx, attempts: 4 })).toBe(
      'timed out: https://10.0.0.1:6443 did not answer within 500 ms while trying to list pods (4 attempts)',
    );
    expect(describeFailure({ kind: 'network', code: 'ECONNREFUSED' }, { ...ctx, attempts: 2 })).toBe(
      'cannot connect to https://10.0.0.1:6443: connection refused (ECONNREFUSED) while trying to list pods (2 attempts)',
    );
    expect(describeFailure({ kind: 'http', status: 503, reason: 'ServiceUnavailable', message: 'etcd down' }, { ...ctx, attempts: 4 })).toBe(
      'https://10.0.0.1:6443 answered HTTP 503 ServiceUnavailable while trying to list pods: etcd down (4 attempts)',
    );
  });
});
