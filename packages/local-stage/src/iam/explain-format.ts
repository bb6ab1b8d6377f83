import { differenceText, type Explanation, location, PART_NAMES, type StatementView } from './explain';
import { describeStatement, nothingAllows, policyKind } from './messages';

const VERDICT: Record<Explanation['effect'], string> = {
  Allow: 'ALLOWED',
  ExplicitDeny: 'DENIED (explicit deny)',
  ImplicitDeny: 'DENIED (implicit deny)',
  NoRoute: 'NO ROUTE',
};

/**
 * An explanation as the terminal shows it, under a refusal line or from `npm run iam -- explain`:
 * the verdict, the request and its route, the principal and its policies, the statements that
 * decided or came closest with what differed, and the YAML to add where it belongs.
 *
 * @example
 * console.log(formatExplanation(explanation, { indent: '    ' }));
 */
export function formatExplanation(explanation: Explanation, options: { indent?: string } = {}): string {
  const pad = options.indent ?? '';
  const lines: string[] = [];
  const who = explanation.role ? `role ${explanation.role}` : explanation.principal;
  lines.push(`${VERDICT[explanation.effect]}: ${who} → ${explanation.action} on ${explanation.resource}`);
  const { target } = explanation;
  if (target) {
    const callee = target.service
      ? `${target.service} (API ${target.apiId}, stage ${target.stage})`
      : `API ${target.apiId}, stage ${target.stage}`;
    lines.push(
      `  call       ${target.verb} ${target.path} on ${callee}${target.route ? `, route ${target.route}` : ', no such route'}`,
    );
  }
  lines.push(`  principal  ${explanation.principal}`);
  for (const policy of explanation.policies) {
    lines.push(
      `             ${policyKind(policy.type)} ${policy.name} (${policy.statements} statement${policy.statements === 1 ? '' : 's'})`,
    );
  }
  if (explanation.effect === 'Allow') {
    for (const view of explanation.matched) lines.push(...viewLines('granted by', view));
  } else if (explanation.effect === 'ExplicitDeny') {
    for (const view of explanation.matched) lines.push(...viewLines('denied by', view));
  } else if (explanation.effect === 'ImplicitDeny') {
    lines.push(
      `  decision   ${nothingAllows(explanation.decidedBy ?? 'identity')}${explanation.crossAccount ? ' (another account owns the resource)' : ''}; no Deny matched`,
    );
    if (explanation.closest.length === 0)
      lines.push(
        `  closest    none: no statement allows ${explanation.action}, nor anything on this resource`,
      );
    for (const view of explanation.closest) lines.push(...viewLines('closest', view));
  }
  for (const note of explanation.unevaluable) lines.push(`  [local stage] could not evaluate ${note}`);
  const { fix } = explanation;
  if (fix) {
    lines.push(`  fix        ${fix.text}${fix.yaml ? ':' : ''}`);
    if (fix.yaml) lines.push(...dedent(fix.yaml).map((line) => `               ${line}`));
    if (fix.parameterYaml) {
      lines.push('             and the callee API id parameter it names:');
      lines.push(...fix.parameterYaml.map((line) => `               ${line}`));
    }
  }
  return lines.map((line) => `${pad}${line}`).join('\n');
}

function viewLines(label: string, view: StatementView): string[] {
  const where = view.site?.file ? ` — ${location(view.site)}` : '';
  const lines = [
    `  ${label.padEnd(10)} ${describeStatement(view.statement)}${where}`,
    `             ${view.effect} ${view.summary}`,
  ];
  if (view.differences.length > 0) {
    lines.push(`             ${differenceText(view.differences)}`);
    for (const difference of view.differences) {
      lines.push(
        `               ${PART_NAMES[difference.part]}: the statement has ${difference.statement}, the request ${difference.request}`,
      );
    }
  }
  return lines;
}

/** The YAML without its list indentation, so it reads on its own; the file's indentation is in `fix.yaml`. */
function dedent(lines: string[]): string[] {
  const indent = Math.min(...lines.map((line) => /^\s*/.exec(line)?.[0].length ?? 0));
  return lines.map((line) => line.slice(indent));
}
