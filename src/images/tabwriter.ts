// A port of the column layout of Go's text/tabwriter (docker/cli's fork) for flags 0 and a space pad char.
// Hand-written: no npm package reproduces elastic tabstops with Go's exact block rules
// (a column spans only contiguous lines that have a tab-terminated cell in it; the last cell is never padded).

/** Tabwriter settings, as in `tabwriter.NewWriter(out, minwidth, tabwidth, padding, ' ', 0)`. */
export interface TabwriterOptions {
  minWidth: number;
  padding: number;
}

interface Cell {
  text: string;
  width: number;
}

/** Display width of a cell: code points, with East Asian wide characters counting 2 (as go-runewidth). */
export function cellWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0 || /\p{Mn}|\p{Me}|\p{Cf}/u.test(ch)) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Aligns tab-terminated cells of `text` into columns, exactly as Go's tabwriter with Flush at the end. */
export function tabwrite(text: string, options: TabwriterOptions): string {
  const rawLines = text.split('\n');
  const lines: Cell[][] = rawLines.map((line) => line.split('\t').map((t) => ({ text: t, width: cellWidth(t) })));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const line = lines[i] ?? [];
      line.forEach((c, j) => {
        out.push(c.text);
        const w = widths[j];
        if (j < widths.length && w !== undefined && j < line.length - 1) out.push(' '.repeat(w - c.width));
      });
      if (i + 1 < lines.length) out.push('\n');
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= (lines[row]?.length ?? 0) - 1) continue;
      writeLines(line0, row);
      line0 = row;
      let width = options.minWidth;
      for (; row < line1; row++) {
        const line = lines[row] ?? [];
        if (column >= line.length - 1) break;
        width = Math.max(width, (line[column]?.width ?? 0) + options.padding);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
      row--;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('');
}
