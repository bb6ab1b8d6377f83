/** One change to a file: lines `from`..`to` (1-based, inclusive) replaced by `lines`; `to < from` inserts before `from`. */
export interface LineEdit {
  from: number;
  to: number;
  lines: string[];
}

const CONTEXT = 3;

/**
 * A unified diff of `edits` applied to `original`, as `git apply` and `patch -p1` take it, with the
 * file named `a/{file}` and `b/{file}`. Empty when there is nothing to change.
 *
 * @example
 * unifiedDiff('services/orders/serverless.yml', text, [{ from: 27, to: 29, lines: ['        - Effect: Allow', …] }]);
 * // '--- a/services/orders/serverless.yml\n+++ b/services/orders/serverless.yml\n@@ -24,9 +24,9 @@\n …'
 */
export function unifiedDiff(file: string, original: string, edits: LineEdit[]): string {
  const lines = original.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const sorted = [...edits].sort((a, b) => a.from - b.from);
  const hunks: string[] = [];
  let index = 0;
  let shift = 0;
  while (index < sorted.length) {
    const group = [sorted[index] as LineEdit];
    while (index + group.length < sorted.length) {
      const next = sorted[index + group.length] as LineEdit;
      const last = group.at(-1) as LineEdit;
      if (next.from - Math.max(last.to, last.from - 1) > 2 * CONTEXT + 1) break;
      group.push(next);
    }
    index += group.length;
    const first = group[0] as LineEdit;
    const last = group.at(-1) as LineEdit;
    const start = Math.max(1, first.from - CONTEXT);
    const end = Math.min(lines.length, Math.max(last.to, last.from - 1) + CONTEXT);
    const body: string[] = [];
    let line = start;
    let oldCount = 0;
    let newCount = 0;
    for (const edit of group) {
      for (; line < edit.from; line += 1, oldCount += 1, newCount += 1)
        body.push(` ${lines[line - 1] ?? ''}`);
      for (; line <= edit.to; line += 1, oldCount += 1) body.push(`-${lines[line - 1] ?? ''}`);
      for (const added of edit.lines) {
        body.push(`+${added}`);
        newCount += 1;
      }
    }
    for (; line <= end; line += 1, oldCount += 1, newCount += 1) body.push(` ${lines[line - 1] ?? ''}`);
    const newStart = start + shift;
    shift += newCount - oldCount;
    hunks.push(`@@ -${range(start, oldCount)} +${range(newStart, newCount)} @@`, ...body);
  }
  if (hunks.length === 0) return '';
  return [`--- a/${file}`, `+++ b/${file}`, ...hunks, ''].join('\n');
}

function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
