/**
 * Function tools and `tool_choice` in both shapes. Chat nests a function under `function`
 * (`{type:'function', function:{name, parameters}}`); Responses flattens it
 * (`{type:'function', name, parameters}`). Built-in tools exist only in Responses and cannot be
 * carried to a chat backend; chat's `custom` tools are not translated (yet) and are rejected.
 * https://platform.openai.com/docs/guides/function-calling
 */
import { isAbsent, isRecord, str, type JsonObject } from './json.js';
import { invalid, unsupportedValue } from './result.js';

/** Chat function tools → Responses function tools. */
export function chatToolsToResponses(tools: unknown): JsonObject[] {
  if (!Array.isArray(tools)) throw invalid('tools', 'an array');
  return tools.map((tool: unknown, i) => {
    const fn = isRecord(tool) ? tool.function : undefined;
    if (!isRecord(tool) || tool.type !== 'function') {
      const type = isRecord(tool) ? String(tool.type) : typeof tool;
      throw unsupportedValue(
        `tools[${i}].type`,
        `'${type}'`,
        'Responses',
        'takes only function tools from this gateway',
      );
    }
    if (!isRecord(fn) || typeof fn.name !== 'string') throw invalid(`tools[${i}].function.name`, 'a string');
    const out: JsonObject = { type: 'function', name: fn.name };
    if (!isAbsent(fn.description)) out.description = fn.description;
    out.parameters = fn.parameters ?? null;
    // Responses treats an omitted `strict` as true and rewrites the schema into strict mode;
    // chat's default is non-strict, so say so explicitly or the answer could change.
    out.strict = typeof fn.strict === 'boolean' ? fn.strict : false;
    return out;
  });
}

/** Responses function tools → chat function tools; built-in tools are rejected by type. */
export function responsesToolsToChat(tools: unknown): JsonObject[] {
  if (!Array.isArray(tools)) throw invalid('tools', 'an array');
  return tools.map((tool: unknown, i) => {
    if (!isRecord(tool) || tool.type !== 'function') {
      const type = isRecord(tool) ? String(tool.type) : typeof tool;
      throw unsupportedValue(`tools[${i}].type`, `'${type}'`, 'Chat Completions', 'has no built-in tools');
    }
    if (typeof tool.name !== 'string') throw invalid(`tools[${i}].name`, 'a string');
    const fn: JsonObject = { name: tool.name };
    if (!isAbsent(tool.description)) fn.description = tool.description;
    if (!isAbsent(tool.parameters)) fn.parameters = tool.parameters;
    // An omitted `strict` stays omitted (chat's non-strict default); see docs/translation.md.
    if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
    return { type: 'function', function: fn };
  });
}

const MODES = new Set(['none', 'auto', 'required']);

/** Chat `tool_choice` → Responses `tool_choice`. */
export function chatToolChoiceToResponses(choice: unknown): unknown {
  if (typeof choice === 'string' && MODES.has(choice)) return choice;
  if (isRecord(choice) && choice.type === 'function') {
    const name = isRecord(choice.function) ? str(choice.function.name) : undefined;
    if (name === undefined) throw invalid('tool_choice.function.name', 'a string');
    return { type: 'function', name };
  }
  if (isRecord(choice) && choice.type === 'allowed_tools' && isRecord(choice.allowed_tools)) {
    const allowed = choice.allowed_tools;
    const tools = Array.isArray(allowed.tools) ? allowed.tools : [];
    return {
      type: 'allowed_tools',
      mode: allowed.mode,
      tools: tools.map((t: unknown, i) => {
        const name = isRecord(t) && t.type === 'function' && isRecord(t.function) ? str(t.function.name) : undefined;
        if (name === undefined)
          throw unsupportedValue(
            `tool_choice.allowed_tools.tools[${i}]`,
            'this tool',
            'Responses',
            'takes only function tools from this gateway',
          );
        return { type: 'function', name };
      }),
    };
  }
  throw unsupportedValue('tool_choice', JSON.stringify(choice), 'Responses');
}

/** Responses `tool_choice` → chat `tool_choice`; hosted-tool choices are rejected. */
export function responsesToolChoiceToChat(choice: unknown): unknown {
  if (typeof choice === 'string' && MODES.has(choice)) return choice;
  if (isRecord(choice) && choice.type === 'function') {
    const name = str(choice.name);
    if (name === undefined) throw invalid('tool_choice.name', 'a string');
    return { type: 'function', function: { name } };
  }
  if (isRecord(choice) && choice.type === 'allowed_tools') {
    const tools = Array.isArray(choice.tools) ? choice.tools : [];
    return {
      type: 'allowed_tools',
      allowed_tools: {
        mode: choice.mode,
        tools: tools.map((t: unknown, i) => {
          const name = isRecord(t) && t.type === 'function' ? str(t.name) : undefined;
          if (name === undefined)
            throw unsupportedValue(`tool_choice.tools[${i}]`, 'this tool', 'Chat Completions', 'has no built-in tools');
          return { type: 'function', function: { name } };
        }),
      },
    };
  }
  const type = isRecord(choice) ? `'${String(choice.type)}'` : JSON.stringify(choice);
  throw unsupportedValue('tool_choice', type, 'Chat Completions', 'has no built-in tools');
}
