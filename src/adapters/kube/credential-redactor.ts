/**
 * Last line of defence for text that leaves the collector (reasons, progress lines): removes the known secret
 * strings of the kubeconfig user and anything shaped like a bearer token or a JWT. Messages are built from
 * classified fields in the first place (kube-call-policy.ts); this catches what a library might echo.
 */
const PATTERNS: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  // JWTs (service-account tokens, OIDC id tokens): header.payload.signature, base64url
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted]'],
  [/\b(token|password|secret)(["']?\s*[:=]\s*["']?)[^\s"',;]+/gi, '$1$2[redacted]'],
];

export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}
