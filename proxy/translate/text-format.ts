/**
 * Structured output in both shapes: chat's `response_format` nests a JSON schema under
 * `json_schema`, Responses' `text.format` carries its fields flat (`{type:'json_schema', name,
 * schema, strict, description}`). Getting this flattening wrong is how structured output was
 * lost before (issue 8).
 * https://platform.openai.com/docs/guides/structured-outputs
 */
import { isAbsent, isRecord, type JsonObject } from './json.js';
import { invalid, unsupportedValue } from './result.js';

const SCHEMA_KEYS = ['name', 'description', 'schema', 'strict'] as const;

/** Chat `response_format` → Responses `text.format`. */
export function responseFormatToTextFormat(format: unknown): JsonObject {
  if (!isRecord(format)) throw invalid('response_format', 'an object');
  if (format.type === 'text' || format.type === 'json_object') return { type: format.type };
  if (format.type === 'json_schema') {
    const spec = format.json_schema;
    if (!isRecord(spec)) throw invalid('response_format.json_schema', 'an object');
    const out: JsonObject = { type: 'json_schema' };
    for (const key of SCHEMA_KEYS) if (!isAbsent(spec[key])) out[key] = spec[key];
    return out;
  }
  throw unsupportedValue('response_format.type', `'${String(format.type)}'`, 'Responses');
}

/** Responses `text.format` → chat `response_format`. */
export function textFormatToResponseFormat(format: unknown): JsonObject {
  if (!isRecord(format)) throw invalid('text.format', 'an object');
  if (format.type === 'text' || format.type === 'json_object') return { type: format.type };
  if (format.type === 'json_schema') {
    const spec: JsonObject = {};
    for (const key of SCHEMA_KEYS) if (!isAbsent(format[key])) spec[key] = format[key];
    return { type: 'json_schema', json_schema: spec };
  }
  throw unsupportedValue('text.format.type', `'${String(format.type)}'`, 'Chat Completions');
}
