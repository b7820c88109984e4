/** The one shape of a message to the user on stderr: `netpol-audit: <message>`, indented details, a hint. */
export function userMessage(message: string, options: { details?: readonly string[]; hint?: string } = {}): string {
  const details = (options.details ?? []).map((d) => `  ${d}\n`).join('');
  return `netpol-audit: ${message}\n${details}${options.hint ? `  hint: ${options.hint}\n` : ''}`;
}
