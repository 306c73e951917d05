// POST …/audio/transcriptions, …/audio/translations (multipart uploads) and …/audio/speech
// (JSON in, audio bytes out), in Azure's shapes. Whisper deployments report usage as seconds of
// audio and cannot stream; gpt-4o-transcribe-style deployments report tokens and, with
// `stream=true`, send `transcript.text.delta` events, one `transcript.text.done` carrying the
// usage, and `[DONE]`. The transcript is a pure function of the upload (its name and size), so
// a test can predict it and tell whether every byte arrived.
// https://learn.microsoft.com/azure/ai-foundry/openai/whisper-quickstart
import { DEFAULT_CONTENT_CHUNKS, countWords, splitIntoChunks } from './content.js';
import { invalidRequestError } from './errors.js';
import { dataFrame, errorReply, type SimCall, type SimReply } from './reply.js';

/** Bytes of "audio" per second the simulator assumes (16 kHz, 16-bit mono). */
const BYTES_PER_SECOND = 32_000;
/** Speech bytes generated per word of input (a little under a second of 24 kHz PCM). */
export const SPEECH_BYTES_PER_WORD = 16_384;

const TEXT_FORMATS: Record<string, string> = {
  text: 'text/plain; charset=utf-8',
  srt: 'application/x-subrip',
  vtt: 'text/vtt; charset=utf-8',
};
const SPEECH_TYPES: Record<string, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** The transcript the simulator "hears" in an upload. */
export function transcriptOf(filename: string, size: number): string {
  return `Heard ${filename} with ${size} bytes`;
}

function isWhisper(model: string): boolean {
  return /whisper/i.test(model);
}

function tokenUsage(audioSeconds: number, text: string): Record<string, unknown> {
  const input = Math.max(1, audioSeconds) * 10;
  const output = countWords(text);
  return {
    type: 'tokens',
    input_tokens: input,
    input_token_details: { text_tokens: 0, audio_tokens: input },
    output_tokens: output,
    total_tokens: input + output,
  };
}

/** Answers a transcription (or, with `translate`, a translation) of the uploaded file. */
export function audioTextReply(call: SimCall, translate: boolean): SimReply {
  const file = call.files?.find((f) => f.field === 'file');
  if (!file) return errorReply(invalidRequestError("'file' is a required property", 'file'));
  const text = translate
    ? `Translated: ${transcriptOf(file.filename, file.size)}`
    : transcriptOf(file.filename, file.size);
  const seconds = Math.ceil(file.size / BYTES_PER_SECOND);
  const whisper = isWhisper(call.model);
  const usage = whisper ? { type: 'duration', seconds } : tokenUsage(seconds, text);
  const tokens = whisper ? 0 : Number(usage.total_tokens);
  const format = String(call.body.response_format ?? 'json');
  if (call.body.stream === 'true') {
    if (whisper) return errorReply(invalidRequestError('Streaming is not supported for this model.', 'stream'));
    const frames = splitIntoChunks(text, call.behaviour.contentChunks ?? DEFAULT_CONTENT_CHUNKS).map((delta) =>
      dataFrame({ type: 'transcript.text.delta', delta }),
    );
    frames.push(dataFrame({ type: 'transcript.text.done', text, usage }), dataFrame('[DONE]'));
    return { kind: 'sse', frames, tokens };
  }
  const contentType = TEXT_FORMATS[format];
  if (contentType) return { kind: 'bytes', contentType, chunks: [Buffer.from(`${text}\n`)], tokens };
  if (format === 'verbose_json') {
    const segments = [
      {
        id: 0,
        seek: 0,
        start: 0,
        end: seconds,
        text,
        tokens: [],
        temperature: 0,
        avg_logprob: -0.2,
        compression_ratio: 1,
        no_speech_prob: 0,
      },
    ];
    return {
      kind: 'json',
      status: 200,
      tokens,
      body: {
        task: translate ? 'translate' : 'transcribe',
        language: 'english',
        duration: seconds,
        text,
        segments,
        usage,
      },
    };
  }
  return { kind: 'json', status: 200, tokens, body: whisper ? { text } : { text, usage } };
}

/** Answers a speech call with deterministic "audio": `SPEECH_BYTES_PER_WORD` bytes per input word, in chunks. */
export function speechReply(call: SimCall): SimReply {
  const input = typeof call.body.input === 'string' ? call.body.input : '';
  if (input === '') return errorReply(invalidRequestError("'input' is a required property", 'input'));
  const format = typeof call.body.response_format === 'string' ? call.body.response_format : 'mp3';
  const contentType = SPEECH_TYPES[format];
  if (!contentType) return errorReply(invalidRequestError(`Invalid response_format: ${format}.`, 'response_format'));
  const words = countWords(input);
  const chunks = Array.from({ length: words }, (_, i) => Buffer.alloc(SPEECH_BYTES_PER_WORD, i % 251));
  return { kind: 'bytes', contentType, chunks, tokens: words };
}
