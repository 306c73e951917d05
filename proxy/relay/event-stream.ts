/**
 * The one way an upstream event stream reaches a client, for the plain relay and the translated
 * one alike: upstream body → SseRelay (one Readable that reads the body and filters or converts
 * each event) → the client's response, piped, so backpressure from a slow client reaches the upstream. An upstream failure
 * mid-stream ends the input; the transform then closes the client's stream its own way (an error
 * event the OpenAI SDKs raise). A client that leaves tears the upstream request down with it.
 */
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { SseRelay, type SseTapOptions } from './sse-events.js';
import { clientResponseHeaders } from '../upstream/forward-headers.js';
import { describeTransportError, isTimeout, type UpstreamExchange } from '../upstream/call.js';

/** How a relayed stream ended. */
export type StreamEnd = 'complete' | 'client_aborted' | 'upstream_error';

/** Why the upstream broke off mid-stream. */
export interface StreamFailure {
  /** In a few words a user can act on. */
  message: string;
  timeout: boolean;
}

/**
 * `drop` to filter the upstream's events, or `convert` to replace them: either way the tap frames
 * its output by event, so closing frames never follow half an event.
 */
export type EventHandling =
  | { drop: NonNullable<SseTapOptions['drop']>; convert?: never }
  | { convert: NonNullable<SseTapOptions['convert']>; drop?: never };

/** What the stream core tells the request's hub as it happens. */
export interface StreamHooks {
  log: FastifyBaseLogger;
  /**
   * The upstream broke off mid-stream. Called at once, not when the stream's promise settles:
   * the response may close (and be counted) before a promise continuation gets to run.
   */
  onUpstreamError?: () => void;
}

/** What a relay does to a stream: each event (filtered or converted), and its end. */
export interface EventTransform {
  readonly events: EventHandling;
  /** The content type the client sees, when it is not the upstream's. */
  readonly contentType?: string;
  /** Frames that close the client's stream; `failure` is set when the upstream broke off. */
  end(failure: StreamFailure | undefined): readonly string[];
}

/**
 * The one rule for "the client left": its response closed before it was finished. (Node sets
 * `destroyed` before it emits 'close'; `writable` stays true, so it cannot tell.)
 */
function clientLeft(reply: FastifyReply): boolean {
  return reply.raw.destroyed && !reply.raw.writableFinished;
}

/** Relays `exchange`'s event stream through `transform`; resolves once the client has it all, or has left. */
export function relayEventStream(
  exchange: UpstreamExchange,
  reply: FastifyReply,
  transform: EventTransform,
  hooks: StreamHooks,
): Promise<StreamEnd> {
  const headers = clientResponseHeaders(exchange.headers);
  if (transform.contentType) headers['content-type'] = transform.contentType;
  void reply
    .code(exchange.statusCode)
    .headers(headers)
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no');
  const source = exchange.body;
  let failure: StreamFailure | undefined;
  const tap = new SseRelay(source, { ...transform.events, trailer: () => transform.end(failure) });
  return new Promise<StreamEnd>((resolve) => {
    // Everything, closing frames included, went to the client's response.
    tap.once('end', () => resolve(failure ? 'upstream_error' : 'complete'));
    // Fastify destroys the tap when the client leaves; the upstream request goes with it (the
    // tap destroys its source). After 'end' the tap closes too; by then the promise is settled.
    tap.once('close', () => resolve('client_aborted'));
    source.on('error', (err: unknown) => {
      if (failure || clientLeft(reply) || tap.destroyed) return;
      const reason = exchange.signal.aborted ? (exchange.signal.reason ?? err) : err;
      failure = { message: describeTransportError(reason), timeout: isTimeout(reason) };
      hooks.log.warn({ err: failure.message }, 'upstream failed mid-stream');
      hooks.onUpstreamError?.();
      // Half an event never goes out: the closing frames follow whole events only.
      tap.breakOff();
    });
    void reply.send(tap);
  });
}
