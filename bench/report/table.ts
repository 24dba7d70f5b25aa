// Markdown tables (they read well in a terminal too) and number formatting.

export function mdTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const sep = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(Math.max(w - 1, 1))}:`)).join(" | ")} |`;
  return [line(head), sep, ...rows.map(line)].join("\n");
}

export const dash = "–";

export function num(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return dash;
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return dash;
  return x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0);
}

export function ratio(x: number | null | undefined, base: number | null | undefined): string {
  if (x == null || base == null || !Number.isFinite(x) || !Number.isFinite(base) || base === 0) return dash;
  const r = x / base;
  return `${r < 10 ? r.toFixed(2) : r.toFixed(0)}×`;
}

export function delta(x: number | null | undefined, base: number | null | undefined): string {
  if (x == null || base == null || !Number.isFinite(x) || !Number.isFinite(base)) return dash;
  const d = x - base;
  return `${d >= 0 ? "+" : ""}${ms(d)}`;
}

export function mib(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return dash;
  return (bytes / 1024 / 1024).toFixed(0);
}

export function kib(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return dash;
  return (bytes / 1024).toFixed(0);
}
