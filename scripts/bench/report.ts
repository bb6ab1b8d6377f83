import { cpus, loadavg } from 'node:os';
import { type LoadResult, median, percentile } from './load';
import type { StartKind, StartRun } from './start-times';
import type { ThroughputComparison } from './throughput';

/** Issue 3's targets: start to ready, and signed local stage vs unauthenticated serverless-offline. */
export const TARGETS = { coldSeconds: 6, warmSeconds: 2, throughputRatio: 1 } as const;

type Row = [figure: string, measured: string, target: string, verdict: string];

/** The machine and how busy it is: the figures mean little without it on a shared box. */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${one?.toFixed(2)} (1 min) ${five?.toFixed(2)} (5 min), Node ${process.version}`;
}

/** One line per start, printed as it finishes. */
export function startLine(run: StartRun, label: string): string {
  const packaging = run.packaging.length > 0 ? `; ${run.packaging.join(', ')}` : '';
  return `  ${run.kind} start ${label}: ${seconds(run.seconds)} to ready (LocalStage.start ${seconds(run.startSeconds)}${packaging})`;
}

/** Requests/s and latency percentiles of one side. */
export function loadLine(name: string, result: LoadResult): string {
  return `  ${name}: ${rate(result)} req/s, p50 ${ms(percentile(result.latenciesMs, 0.5))}, p95 ${ms(percentile(result.latenciesMs, 0.95))}, p99 ${ms(percentile(result.latenciesMs, 0.99))} (${result.requests} requests in ${seconds(result.seconds)}, ${result.failures} failed)`;
}

/**
 * The final table: each figure, its target and whether it was met. Missed targets are reported,
 * never turned into a failure: the figures speak.
 *
 * @example
 * console.log(summaryTable(starts, comparison));
 */
export function summaryTable(starts: StartRun[], comparison: ThroughputComparison | undefined): string {
  const rows: Row[] = [['figure', 'measured', 'target', '']];
  rows.push(startRow(starts, 'cold', TARGETS.coldSeconds), startRow(starts, 'warm', TARGETS.warmSeconds));
  if (comparison) {
    const { local, offline } = comparison;
    rows.push(
      ['local stage, signed: requests/s', rate(local), '', ''],
      [
        '  latency p50 / p95',
        `${ms(percentile(local.latenciesMs, 0.5))} / ${ms(percentile(local.latenciesMs, 0.95))}`,
        '',
        '',
      ],
      ['serverless-offline, no auth: requests/s', rate(offline), '', ''],
      [
        '  latency p50 / p95',
        `${ms(percentile(offline.latenciesMs, 0.5))} / ${ms(percentile(offline.latenciesMs, 0.95))}`,
        '',
        '',
      ],
      ratioRow(local, offline),
    );
  }
  return formatTable(rows);
}

function startRow(starts: StartRun[], kind: StartKind, target: number): Row {
  const times = starts.filter((run) => run.kind === kind).map((run) => run.seconds);
  if (times.length === 0) return [`start to ready, ${kind}`, 'not run', `≤ ${target} s`, ''];
  const measured = `${seconds(median(times))} median, ${seconds(Math.min(...times))} min (${times.length} runs)`;
  return [`start to ready, ${kind}`, measured, `≤ ${target} s`, verdict(median(times) <= target)];
}

function ratioRow(local: LoadResult, offline: LoadResult): Row {
  const ratio = local.requests / local.seconds / (offline.requests / offline.seconds);
  return [
    'ratio local stage / offline (req/s)',
    ratio.toFixed(2),
    `≥ ${TARGETS.throughputRatio.toFixed(1)}`,
    verdict(ratio >= TARGETS.throughputRatio),
  ];
}

function verdict(met: boolean): string {
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

function seconds(value: number): string {
  return `${value.toFixed(2)} s`;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
