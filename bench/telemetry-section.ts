/** The telemetry row (bench/telemetry.ts) as Markdown for the benchmark report. */
import { median } from './load.js';
import type { TelemetryBench } from './telemetry.js';

// The request thread's CPU on and off, in runs that measured it apart from the exporter's thread.
function threadRows(b: TelemetryBench): string[][] {
  const on = b.rounds.map((r) => r.threadMsWith);
  const off = b.rounds.map((r) => r.threadMsToggledOff);
  if (on.some((x) => x === undefined) || off.some((x) => x === undefined)) return [];
  const ratio = median(b.rounds.map((r) => r.threadMsToggledOff! / r.threadMsWith!));
  return [
    ['request thread CPU ms per request, on', median(on as number[]).toFixed(3)],
    ['request thread CPU ms per request, switched off', median(off as number[]).toFixed(3)],
    ['request thread CPU per request switched off ÷ on (median)', ratio.toFixed(3)],
    ...(b.rounds.every((r) => r.exporterMsWith !== undefined)
      ? [["exporter's thread CPU ms per request, on", median(b.rounds.map((r) => r.exporterMsWith!)).toFixed(4)]]
      : []),
  ];
}

/** The row as Markdown for the benchmark report. */
export function telemetrySection(b: TelemetryBench | undefined): string {
  if (!b) return '_Not measured in this run._';
  const throughput = median(b.rounds.map((r) => r.withTelemetry / r.toggledOff));
  const cpu = median(b.rounds.map((r) => r.cpuMsToggledOff / r.cpuMsWith));
  // Throughput bought by dropping spans would not count: every span made must have arrived.
  const kept = b.spansReceived === b.spansMade;
  const met = (x: number) => (x >= 0.95 && kept ? 'met' : 'not met');
  const apartThroughput = median(b.rounds.map((r) => r.withTelemetry / r.without));
  const apartCpu = median(b.rounds.map((r) => r.cpuMsWithout / r.cpuMsWith));
  const azureThroughput = median(b.rounds.map((r) => r.withAzure / r.without));
  const azureCpu = median(b.rounds.map((r) => r.cpuMsWithout / r.cpuMsAzure));
  const rows = [
    ['requests/s, OTLP/protobuf on (median of rounds)', median(b.rounds.map((r) => r.withTelemetry)).toFixed(0)],
    ['requests/s, the same process, telemetry switched off', median(b.rounds.map((r) => r.toggledOff)).toFixed(0)],
    [
      `throughput on ÷ switched off (each round's ratio, median; aim ≥ 0.95: ${met(throughput)})`,
      throughput.toFixed(3),
    ],
    ['proxy CPU ms per request, on', median(b.rounds.map((r) => r.cpuMsWith)).toFixed(3)],
    ['proxy CPU ms per request, switched off', median(b.rounds.map((r) => r.cpuMsToggledOff)).toFixed(3)],
    [`CPU per request switched off ÷ on (median; aim ≥ 0.95: ${met(cpu)})`, cpu.toFixed(3)],
    ...threadRows(b),
    ['OTLP export requests received by the sink', String(b.exports)],
    [
      `spans received by the sink ÷ spans made while on (${b.spansReceived} of ${b.spansMade}; the aim needs all)`,
      (b.spansMade ? b.spansReceived / b.spansMade : 0).toFixed(4),
    ],
    [
      'requests/s, another proxy process that never had telemetry on',
      median(b.rounds.map((r) => r.without)).toFixed(0),
    ],
    ['proxy CPU ms per request, that process', median(b.rounds.map((r) => r.cpuMsWithout)).toFixed(3)],
    [
      'throughput OTLP on ÷ that process (median of ratios; process-to-process spread included)',
      apartThroughput.toFixed(3),
    ],
    ['CPU per request that process ÷ OTLP on (median)', apartCpu.toFixed(3)],
    [
      'requests/s, Azure Monitor on (the distro; median of rounds)',
      median(b.rounds.map((r) => r.withAzure)).toFixed(0),
    ],
    ['throughput Azure Monitor on ÷ the process never on (median of ratios)', azureThroughput.toFixed(3)],
    ['proxy CPU ms per request, Azure Monitor on', median(b.rounds.map((r) => r.cpuMsAzure)).toFixed(3)],
    ['CPU per request the process never on ÷ Azure Monitor on (median)', azureCpu.toFixed(3)],
    ['ingestion requests received from the Azure Monitor proxy', String(b.azureExports)],
  ];
  const table = ['| figure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  return `The proxy alone, non-streamed chat at c=16, ${b.rounds.length} interleaved rounds (four runs in a balanced order: each comes right after every other in turn): one proxy with OTLP on, every request traced (two spans) and measured (GenAI metrics) by the gateway's own exporter, and the same proxy with telemetry switched off by a config reload, which the aim is judged on; another proxy process that never had telemetry on; and one exporting to Azure Monitor through Microsoft's distro on the OpenTelemetry SDK. All export to loopback sinks (docs/telemetry.md, "What it costs").\n\n${table}`;
}
