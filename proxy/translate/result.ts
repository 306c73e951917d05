/**
 * The outcome of translating a request between Chat Completions and Responses: the translated
 * body plus the parameters that were deliberately left out, or a 400 the client must see.
 * Translators never throw on client input, so the relay decides how to answer (see
 * docs/translation.md for which parameters are dropped and which are rejected, and why).
 */

/** A translation: the value and the dropped parameter paths, or a rejection naming the parameter. */
export type TranslationResult<T> =
  | { ok: true; value: T; dropped: string[] }
  | { ok: false; status: 400; message: string; param: string; code: RejectionCode };

/** OpenAI's `code` for the two ways a translation can refuse a request. */
export type RejectionCode = 'unsupported_parameter' | 'unsupported_value' | 'invalid_value';

/** A rejection; thrown inside a translator and turned into a result at its boundary. */
export class TranslationRejected extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly code: RejectionCode = 'unsupported_parameter',
  ) {
    super(message);
    this.name = 'TranslationRejected';
  }
}

/** The API a translated request is sent to, as named in rejection messages. */
export type TargetApi = 'Responses' | 'Chat Completions';

/** Rejects a parameter the target API cannot express; `why` completes "…the X API, which …". */
export function unsupported(param: string, target: TargetApi, why = 'has no equivalent'): TranslationRejected {
  return new TranslationRejected(
    param,
    `Unsupported parameter: '${param}'. This model is served through the ${target} API, which ${why}.`,
  );
}

/** Rejects one value of a parameter that is otherwise translated. */
export function unsupportedValue(
  param: string,
  value: string,
  target: TargetApi,
  why = 'has no equivalent',
): TranslationRejected {
  return new TranslationRejected(
    param,
    `Unsupported value: '${param}' does not support ${value}. This model is served through the ${target} API, which ${why}.`,
    'unsupported_value',
  );
}

/** Rejects a malformed value the translator cannot read (the upstream would reject it too). */
export function invalid(param: string, expected: string): TranslationRejected {
  return new TranslationRejected(param, `Invalid value for '${param}': expected ${expected}.`, 'invalid_value');
}

/** Runs a translator, turning a TranslationRejected into a 400 result; other errors are bugs and propagate. */
export function translate<T>(run: (dropped: string[]) => T): TranslationResult<T> {
  const dropped: string[] = [];
  try {
    return { ok: true, value: run(dropped), dropped };
  } catch (err) {
    if (err instanceof TranslationRejected) {
      return { ok: false, status: 400, message: err.message, param: err.param, code: err.code };
    }
    throw err;
  }
}
