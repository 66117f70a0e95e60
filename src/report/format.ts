/** Numbers as people read them in the report's words, tables and charts (en-GB, no locale lookups at run time). */

const grouped = (value: number, digits: number) => {
  const [whole = "0", fraction] = Math.abs(value).toFixed(digits).split(".");
  const withCommas = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${value < 0 ? "−" : ""}${withCommas}${fraction ? `.${fraction}` : ""}`;
};

/** 1234567 → "1,234,567". */
export const count = (value: number): string => grouped(Math.round(value), 0);

/** 0.05123 → "5.12%". */
export const percent = (value: number | null, digits = 2): string =>
  value === null ? "–" : `${grouped(value * 100, digits)}%`;

/** 0.1 → "+10.0%", −0.05 → "−5.0%". */
export const signedPercent = (value: number | null, digits = 1): string =>
  value === null ? "–" : `${value > 0 ? "+" : ""}${grouped(value * 100, digits)}%`;

/** An interval of lifts, "+4.1% to +16.3%". */
export const percentInterval = (ci: readonly [number | null, number | null], digits = 1): string =>
  ci[0] === null || ci[1] === null
    ? "–"
    : `${signedPercent(ci[0], digits)} to ${signedPercent(ci[1], digits)}`;

/** p-values: three significant digits, then "< 0.0001". */
export const pValue = (value: number | null): string => {
  if (value === null) return "–";
  if (value < 0.0001) return "< 0.0001";
  return value >= 0.1 ? value.toFixed(2) : value.toPrecision(2);
};

/** "p = 0.031", "p < 0.0001", with an optional label: "Holm-adjusted p = 0.04". */
export const pPhrase = (value: number | null, label = "p"): string => {
  const text = pValue(value);
  return text.startsWith("<") ? `${label} ${text}` : `${label} = ${text}`;
};

/** Minor units → "1,234.50 GBP" (or without a currency code when unknown or mixed). */
export const money = (minor: number | null, currency: string | null): string =>
  minor === null ? "–" : `${grouped(minor / 100, 2)}${currency ? ` ${currency}` : ""}`;

/** Days with one decimal: "9.5". */
export const days = (value: number): string => grouped(value, 1);

/** Milliseconds → ISO-8601, or null. */
export const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/** A metric statistic's value: rates as percentages, money in major units. */
export const statistic = (
  kind: "rate" | "revenuePerVisitor" | "averageOrderValue",
  value: number | null,
  currency: string | null,
): string => (kind === "rate" ? percent(value) : money(value, currency));

/** "95% CI" for α = 0.05, "99% CI" for α = 0.01. */
export const intervalLabel = (alpha: number): string => `${Number(((1 - alpha) * 100).toPrecision(4))}% CI`;

/** Percentage points: 0.0123 → "+1.23 pts". */
const signedPoints = (value: number | null, digits = 2): string =>
  value === null ? "–" : `${value > 0 ? "+" : ""}${grouped(value * 100, digits)} pts`;

/** A difference interval in the statistic's own units: percentage points for rates, money in major units. */
export const differenceInterval = (
  kind: "rate" | "revenuePerVisitor" | "averageOrderValue",
  ci: readonly [number | null, number | null],
): string => {
  if (ci[0] === null || ci[1] === null) return "–";
  if (kind === "rate") return `${signedPoints(ci[0])} to ${signedPoints(ci[1])}`;
  const signed = (minor: number) => `${minor > 0 ? "+" : ""}${money(minor, null)}`;
  return `${signed(ci[0])} to ${signed(ci[1])}`;
};
