/**
 * A horizontal bar chart as a standalone SVG file: enough to look at a
 * benchmark's ratios without a plotting dependency.
 *
 * @module
 */

/** One bar: a label and its value. */
export interface Bar {
  /** Text left of the bar. */
  label: string;
  /** Length of the bar, in the chart's unit. */
  value: number;
}

function escape(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * Renders bars scaled to the largest value, each labelled with its value
 * formatted by `format`. `marker`, when given, draws a dashed vertical line
 * at that value (a target, say) with its own label.
 */
export function barChart(
  title: string,
  bars: Bar[],
  options: { format?: (v: number) => string; marker?: { value: number; label: string } } = {},
): string {
  const format = options.format ?? ((v: number) => v.toFixed(2));
  const labelWidth = 230, barMax = 420, rowH = 28, top = 44;
  const max = Math.max(...bars.map((b) => b.value), options.marker?.value ?? 0) || 1;
  const width = labelWidth + barMax + 110;
  const height = top + bars.length * rowH + 24;
  const x = (v: number) => labelWidth + (v / max) * barMax;
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    return `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escape(b.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 4}" width="${(x(b.value) - labelWidth).toFixed(1)}" ` +
      `height="${rowH - 8}" fill="#4c78a8"/>` +
      `<text x="${(x(b.value) + 6).toFixed(1)}" y="${y + 17}">${escape(format(b.value))}</text>`;
  });
  const m = options.marker;
  const marker = m
    ? `<line x1="${x(m.value)}" x2="${x(m.value)}" y1="${top - 6}" y2="${height - 14}" ` +
      `stroke="#e45756" stroke-dasharray="4 3"/>` +
      `<text x="${x(m.value) + 4}" y="${height - 4}" fill="#e45756">${escape(m.label)}</text>`
    : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="sans-serif" font-size="13">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="12" y="24" font-size="15" font-weight="bold">${escape(title)}</text>` +
    rows.join("") + marker + `</svg>\n`;
}
