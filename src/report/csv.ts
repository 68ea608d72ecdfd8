// CSV as spreadsheets read it (RFC 4180), with outside text kept inert. Pure.

type Field = string | number | undefined;

/** A field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: Field): string {
  const raw = value === undefined ? "" : String(value);
  // Anyone can title an issue "=HYPERLINK(…)": a spreadsheet must read it as text, not run it.
  // A plain number ("-3.50", a credit) is no formula and stays as it is.
  const formula = /^[=+\-@\t\r]/.test(raw) && !/^-?\d+(?:\.\d+)?$/.test(raw);
  const text = typeof value === "string" && formula ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, each ended with CRLF. */
export function csvText(columns: readonly string[], rows: readonly (readonly Field[])[]): string {
  const lines = [columns.join(","), ...rows.map((row) => row.map(csvField).join(","))];
  return lines.join("\r\n") + "\r\n";
}
