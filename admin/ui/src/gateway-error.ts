/** The gateway's error answers (OpenAI's shape) as one line for the Playground and the test request. DOM-free. */

/** "401: Invalid API key" from a status and a body (parsed JSON, or text). */
export function gatewayError(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: unknown }).error;
    if (typeof e === 'object' && e !== null && 'message' in e)
      return `${status}: ${String((e as { message: unknown }).message)}`;
  }
  return `${status}: ${typeof body === 'string' ? body.slice(0, 300) : (JSON.stringify(body) ?? '').slice(0, 300)}`;
}
