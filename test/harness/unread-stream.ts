/**
 * A streamed chat request whose answer is never read, so it holds its upstream connection and
 * its concurrency slot for as long as the test wants (pool-starvation and concurrency tests).
 */
import http from 'node:http';

/** Starts a stream and resolves at its status line, leaving the body unread. */
export function openUnreadStream(
  proxyUrl: string,
  key: string,
  body: string,
): Promise<{ status: number; code: string | undefined; req: http.ClientRequest }> {
  const { port } = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        if (res.statusCode === 200) return resolve({ status: 200, code: undefined, req });
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            code: (JSON.parse(text) as { error?: { code?: string } }).error?.code,
            req,
          }),
        );
      },
    );
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(body);
  });
}
