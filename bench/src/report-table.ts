/** A table's rows, the first one its header; a cell may be empty. */
export type TableRows = string[][];

export function markdownTable(rows: TableRows): string {
  const [header = [], ...body] = rows;
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}

/** The same rows for a terminal: columns padded to line up, the header kept unless all empty. */
export function textTable(rows: TableRows): string {
  const shown = rows[0]?.every((cell) => cell === "") ? rows.slice(1) : rows;
  const widths = shown.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return shown
    .map(
      (row) =>
        `${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
