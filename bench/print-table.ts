import type { TargetCheck } from './judge-target.js';

export type Cell = string | number | undefined;

/** Prints a titled, column-aligned table on stdout, and the verdict of each target under it. */
export function printTable(
  title: string,
  header: readonly string[],
  rows: readonly Cell[][],
  checks: readonly TargetCheck[] = [],
): void {
  const text = (cell: Cell): string => (cell === undefined ? '—' : String(cell));
  const widths = header.map((name, column) =>
    Math.max(name.length, ...rows.map((row) => text(row[column]).length)),
  );
  const line = (cells: readonly Cell[]): string =>
    cells
      .map((cell, column) => text(cell).padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [
    ``,
    `## ${title}`,
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ];
  for (const check of checks) {
    out.push(`${check.verdict}  ${check.target}: ${check.value} (target ${check.comparison} ${check.limit})`);
  }
  process.stdout.write(out.join('\n') + '\n');
}
