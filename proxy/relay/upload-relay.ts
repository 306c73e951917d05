/**
 * The hub for multipart calls on a model — audio transcriptions and translations, image edits
 * and variations — top to bottom like relay.ts: find the model (the Azure path's, else the form's
 * `model` field), check the caller may use it, admit it, then stream the form upstream with the
 * target's deployment in `model`, and relay the answer (JSON, a text transcript, or a stream of
 * transcription events). The upload is read once, as it arrives: failover moves the call to
 * another target only while no byte of it has been sent.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteKey } from '../../common/config/schema.js';
import { clientKeyOf } from '../access/request-guard.js';
import { snapshotOf } from '../snapshot.js';
import { sendWithFailover } from '../targets/failover.js';
import { orderTargets, targetKey } from '../targets/target-order.js';
import type { ResolvedTarget } from '../targets/model-catalog.js';
import { RequestStop } from '../upstream/request-stop.js';
import { sendUpstream } from '../upstream/send.js';
import { accountingOf } from '../usage/accounting.js';
import { admitRequest } from '../governance/admission.js';
import { relayAnswer } from './response-relay.js';
import { callerModel, resolveTargets, type ClientCall, type RelayServices } from './model-call.js';
import { MultipartForm } from './multipart-form.js';
import { encodeForm, newBoundary } from './multipart-encode.js';
import { openUpload } from './upload-body.js';
import type { TraceHeaders } from './traced-attempt.js';
import { traceOf } from '../telemetry/telemetry.js';

/** Handles one multipart call on `route`; resolves once the response has been sent. */
export async function relayUpload(
  services: RelayServices,
  route: RouteKey,
  request: FastifyRequest,
  reply: FastifyReply,
  call: ClientCall = {},
): Promise<void> {
  const stop = new RequestStop(reply.raw);
  const snap = snapshotOf(request, services);
  const acc = accountingOf(request);
  const key = clientKeyOf(request);
  const upload = openUpload(request);
  const form = new MultipartForm(upload.stream, upload.contentType);
  try {
    const model = callerModel(snap, key, acc, call.pathModel ?? (await form.lookahead('model')));
    const pool = resolveTargets(snap, model, route, call.apiVersion);
    request.governance = await admitRequest(services.governance, snap.plans, {
      key,
      route,
      body: form.fields,
      model,
      deployment: pool[0]!.deployment,
      currency: snap.config.server.currency,
    });

    stop.startDeadline(snap.timeouts.totalMs);
    const boundary = newBoundary();
    let sent = false;
    // The form is read once: the generator marks it sent as soon as the first attempt pulls a byte.
    const send = (target: ResolvedTarget, traceHeaders?: TraceHeaders) => {
      const parts = async function* () {
        sent = true;
        yield* encodeForm(() => form.next(), boundary, { model: target.deployment });
      };
      return sendUpstream(services, {
        upstream: target.upstream,
        path: target.path,
        body: Readable.from(parts(), { objectMode: false }),
        contentType: `multipart/form-data; boundary=${boundary}`,
        clientHeaders: request.headers,
        requestId: request.id,
        timeouts: snap.timeouts,
        signal: stop.signal,
        traceHeaders,
      });
    };
    const trace = traceOf(request);
    const settings = snap.config.server.upstream;
    const failover = {
      states: services.targets,
      settings,
      log: request.log,
      signal: stop.signal,
      deadlineAt: stop.deadlineAt,
      // Each target tried is its own attempt span.
      attempt: send,
      trace,
      canResend: () => !sent,
    };
    const { exchange, target } = await sendWithFailover(failover, orderTargets(pool, services.targets));
    acc.target = targetKey(target);
    acc.price = target.price;
    const outcome = await relayAnswer(exchange, reply, target.upstream.name, {
      route,
      dropUsageChunk: false,
      log: request.log,
      onUsage: (usage) => {
        acc.tokens = usage;
      },
      onUpstreamError: () => {
        acc.status = 502;
      },
    });
    request.log.info(
      {
        keyId: key.id,
        model: model.entry.id,
        target: acc.target,
        status: exchange.statusCode,
        streamed: outcome.streamed,
        outcome: outcome.end,
      },
      'relayed upload',
    );
  } catch (err) {
    // A body over the limit (or malformed) surfaces upstream as a broken request: say what it was.
    throw upload.failure ?? form.failure ?? err;
  } finally {
    stop.clear();
    await form.dispose();
  }
}
