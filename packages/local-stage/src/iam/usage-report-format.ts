import { describeStatement } from './messages';
import type { RoleReport, StatementUsage, UsageReport } from './usage-report';
import { shownPath } from './usage-report';

/**
 * The usage report as text: per role, each statement with its line in serverless.yml and what it was
 * used for, the findings (never used, broader than used), the denials with their explanations; with
 * `suggest`, a patch per serverless.yml. Stable order, no timings: two runs of the same suite diff clean.
 *
 * @example
 * console.log(formatUsageReport(usageReport(iam, run), { suggest: true }));
 */
export function formatUsageReport(report: UsageReport, options: { suggest?: boolean } = {}): string {
  const { run } = report;
  const lines = [
    `IAM from use: ${shownPath(run.file)} (${run.source}, started ${run.startedAt}${run.complete ? '' : ', did not stop cleanly: counts are lower bounds'})`,
  ];
  if (run.dropped > 0) {
    lines.push(
      `  ${run.dropped} decisions beyond the distinct ones a run file keeps were counted, not written`,
    );
  }
  if (run.changedServices.length > 0) {
    lines.push(
      `  templates changed since this run: ${run.changedServices.join(', ')} (run it again for a report of the current grants)`,
    );
  }
  for (const role of report.roles) lines.push('', ...roleLines(role));
  if (report.otherPrincipals.length > 0) {
    lines.push('', 'Other principals (not a service role):');
    for (const other of report.otherPrincipals)
      lines.push(`  ${other.principal}: ${other.allowed} allowed, ${other.denied} denied`);
  }
  if (report.signatureFailures.length > 0) {
    const total = report.signatureFailures.reduce((sum, failure) => sum + (failure.count ?? 1), 0);
    lines.push('', `Signature failures (${total}):`);
    for (const failure of report.signatureFailures) {
      lines.push(
        `  ${failure.count ?? 1}× ${failure.diagnosis.errorType} ${failure.method} ${failure.path} (${failure.service}): ${failure.diagnosis.summary}`,
      );
    }
  }
  for (const problem of report.allowListProblems)
    lines.push('', `${problem.file}:${problem.line}: ${problem.problem}`);
  if (options.suggest) {
    lines.push('', 'Least privilege: the narrowest statements that allow exactly what this run allowed');
    const diffs = report.patches.filter((patch) => patch.diff);
    if (diffs.length === 0)
      lines.push('  every statement is already the narrowest for its use: nothing to change');
    for (const patch of diffs) lines.push('', patch.diff.trimEnd());
    const unchanged = report.roles
      .filter((role) => !diffs.some((patch) => patch.file === role.file))
      .map((role) => role.file);
    if (diffs.length > 0 && unchanged.length > 0)
      lines.push('', `  unchanged: ${[...new Set(unchanged)].join(', ')}`);
  }
  return lines.join('\n');
}

function roleLines(role: RoleReport): string[] {
  const lines = [`${role.service} — role ${role.role} — ${role.file}`];
  for (const usage of role.statements) lines.push(...usageLines(usage));
  const open = role.findings.filter((finding) => !finding.allowedBy?.reason);
  const kept = role.findings.filter((finding) => finding.allowedBy?.reason);
  if (role.findings.length === 0) lines.push('  broader than used: nothing');
  for (const finding of open) lines.push(`  BROADER  ${line(finding.site?.line)} ${finding.text}`);
  for (const finding of kept)
    lines.push(
      `  kept     ${line(finding.site?.line)} ${finding.text} (custom.iamAllowBroader: ${finding.allowedBy?.reason})`,
    );
  const denied = role.denials.reduce((sum, denial) => sum + denial.count, 0);
  lines.push(`  denials: ${denied === 0 ? 'none' : denied}`);
  for (const denial of role.denials) {
    lines.push(`    ${denial.count}× ${denial.action} on ${denial.resource}`);
    lines.push(`       ${denial.summary}`);
  }
  return lines;
}

function usageLines(usage: StatementUsage): string[] {
  const count = usage.uses > 0 ? `used ${usage.uses}×` : usage.forLambdaService ? 'by Lambda' : 'NEVER USED';
  const where = usage.site?.file ? line(usage.site.line) : '    ';
  const lines = [
    `  ${count.padEnd(11)} ${where} ${describeStatement(usage.statement)}: ${usage.effect} ${usage.summary}`,
  ];
  const routes = [...new Set(usage.used.map((use) => use.route).filter(Boolean))];
  if (routes.length > 0) lines.push(`${' '.repeat(19)}as ${routes.join(', ')}`);
  else if (usage.used.length > 0 && usage.used.length <= 4) {
    lines.push(
      `${' '.repeat(19)}as ${usage.used.map((use) => `${use.action} on ${use.resource}`).join(', ')}`,
    );
  } else if (usage.used.length > 4) {
    lines.push(`${' '.repeat(19)}on ${usage.used.length} resources`);
  }
  return lines;
}

function line(value: number | undefined): string {
  return value === undefined ? '    ' : `:${String(value).padEnd(3)}`;
}
