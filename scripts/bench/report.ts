import { cpus, loadavg } from 'node:os';
import { type LoadResult, median, percentile } from './load';
import type { MemoryRun } from './memory';
import type { StartKind, StartRun } from './start-times';
import type { CpuPerRequest, Side, ThroughputComparison, ThroughputLevel } from './throughput';

/**
 * The targets: start to ready (cold: nothing cached; warm: nothing changed), the cost of one more
 * one-function service, save-to-serving with hot reload, and the signed local stage's throughput
 * at 16 connections against serverless-offline serving the same handler with no auth.
 */
export const TARGETS = {
  coldSeconds: 3,
  warmSeconds: 1,
  perServiceSeconds: 0.3,
  handlerEditSeconds: 1,
  templateEditSeconds: 5,
  throughputRatio: 1.5,
  ratioAtConnections: 16,
} as const;

export type Row = [figure: string, measured: string, target: string, verdict: string];

/** The machine and how busy it is: the figures mean little without it on a shared box. */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${one?.toFixed(2)} (1 min) ${five?.toFixed(2)} (5 min), Node ${process.version}`;
}

/** One line per start, printed as it finishes. */
export function startLine(run: StartRun, label: string): string {
  const compiled = run.packaging.filter((line) => line.includes('template compiled')).length;
  const built = run.packaging.reduce(
    (sum, line) => sum + Number(/(\d+) bundles? built/.exec(line)?.[1] ?? 0),
    0,
  );
  const work = `${run.services} services: ${compiled} templates compiled, ${built} bundles built`;
  const cpu = run.cpuSeconds === undefined ? '' : `, ${seconds(run.cpuSeconds)} of CPU`;
  return `  ${run.kind} start ${label}: ${seconds(run.seconds)} to ready${cpu} (LocalStage.start ${seconds(run.startSeconds)}; ${work})`;
}

/** One line per number of connections: both sides' rate and latency, and their ratio. */
export function levelLine(level: ThroughputLevel): string {
  const side = (result: LoadResult) =>
    `${rate(result)} req/s, p50 ${ms(percentile(result.latenciesMs, 0.5))}, p99 ${ms(percentile(result.latenciesMs, 0.99))}${result.failures > 0 ? `, ${result.failures} failed` : ''}`;
  const cpu = level.cpu ? `; CPU per request: ${cpuPerRequest(level.cpu)}` : '';
  return `  ${String(level.connections).padStart(2)} connections: local stage ${side(level.local)} | serverless-offline ${side(level.offline)} | ratio ${ratio(level).toFixed(2)} (median of ${level.roundRatios.length} paired rounds ${median(level.roundRatios).toFixed(2)})${cpu}`;
}

/** Both sides' CPU per request: the serving processes, then the benchmark's own (signing, for local). */
function cpuPerRequest(cpu: Record<Side, CpuPerRequest>): string {
  const side = ({ servers, client }: CpuPerRequest) => `${ms(servers)} + ${ms(client)} client`;
  return `local ${side(cpu.local)}, offline ${side(cpu.offline)}, ratio ${(cpu.offline.servers / cpu.local.servers).toFixed(2)}`;
}

/** A memory run in one line: idle, peak under load, after the load. */
export function memoryLine(run: MemoryRun): string {
  return `  ${run.label}: idle ${mib(run.idleBytes)}, under load ${mib(run.peakBytes)}, after load ${mib(run.afterBytes)} (${rate(run.load)} req/s, ${run.load.failures} failed)`;
}

/**
 * The final table: each figure, its target and whether it was met. Missed targets are reported,
 * never turned into a failure: the figures speak.
 *
 * @example
 * console.log(summaryTable(starts, comparison));
 */
export function summaryTable(
  starts: StartRun[],
  comparison: ThroughputComparison | undefined,
  extraRows: Row[] = [],
  memory: MemoryRun[] = [],
): string {
  const rows: Row[] = [['figure', 'measured', 'target', '']];
  if (starts.length > 0)
    rows.push(startRow(starts, 'cold', TARGETS.coldSeconds), startRow(starts, 'warm', TARGETS.warmSeconds));
  rows.push(...extraRows);
  for (const level of comparison?.levels ?? []) rows.push(...levelRows(level));
  for (const run of memory) {
    rows.push([
      `stage RSS idle / under load / after: ${run.label}`,
      `${mib(run.idleBytes)} / ${mib(run.peakBytes)} / ${mib(run.afterBytes)}`,
      '',
      '',
    ]);
  }
  return formatTable(rows);
}

function levelRows(level: ThroughputLevel): Row[] {
  const { local, offline, connections } = level;
  const targeted = connections === TARGETS.ratioAtConnections;
  const paired = median(level.roundRatios);
  return [
    [`${connections} connections: local stage, signed (req/s, p50 / p99)`, rateAndLatency(local), '', ''],
    [`${connections} connections: serverless-offline, no auth`, rateAndLatency(offline), '', ''],
    [
      `${connections} connections: ratio local / offline (req/s)`,
      `${ratio(level).toFixed(2)} overall, ${paired.toFixed(2)} median of ${level.roundRatios.length} paired rounds`,
      targeted ? `≥ ${TARGETS.throughputRatio.toFixed(1)}` : '',
      targeted ? verdict(paired >= TARGETS.throughputRatio) : '',
    ],
    ...(level.cpu
      ? [
          [
            `${connections} connections: CPU per request, serving processes (+ bench client)`,
            `local ${ms(level.cpu.local.servers)} (+${ms(level.cpu.local.client)}), offline ${ms(level.cpu.offline.servers)} (+${ms(level.cpu.offline.client)})`,
            '',
            '',
          ] satisfies Row,
        ]
      : []),
  ];
}

function rateAndLatency(result: LoadResult): string {
  const failed = result.failures > 0 ? `, ${result.failures} failed` : '';
  return `${rate(result)}, ${ms(percentile(result.latenciesMs, 0.5))} / ${ms(percentile(result.latenciesMs, 0.99))}${failed}`;
}

function ratio({ local, offline }: ThroughputLevel): number {
  return local.requests / local.seconds / (offline.requests / offline.seconds);
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

function startRow(starts: StartRun[], kind: StartKind, target: number): Row {
  const runs = starts.filter((run) => run.kind === kind);
  const times = runs.map((run) => run.seconds);
  const figure = `start to ready, ${kind} (${runs[0]?.services ?? '?'} services)`;
  if (times.length === 0) return [figure, 'not run', `≤ ${target} s`, ''];
  const cpu = runs.map((run) => run.cpuSeconds).filter((value): value is number => value !== undefined);
  const cpuText = cpu.length > 0 ? `; ${seconds(median(cpu))} of CPU` : '';
  return [figure, `${medianOf(times)}${cpuText}`, `≤ ${target} s`, verdict(median(times) <= target)];
}

/** `1.23 s median, 1.10 s min (3 runs)` */
export function medianOf(times: number[]): string {
  return `${seconds(median(times))} median, ${seconds(Math.min(...times))} min (${times.length} runs)`;
}

export function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

function formatTable(rows: Row[]): string {
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function rate(result: LoadResult): string {
  return (result.requests / result.seconds).toFixed(0);
}

export function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
