// Prices are held in integer pence so arithmetic (basket totals, VAT) never
// meets floating-point rounding.

export function formatPrice(pence: number): string {
  // Thousands separators by hand: toLocaleString would tie output to ICU data.
  const pounds = String(Math.floor(pence / 100)).replace(/\B(?=(\d{3})+$)/g, ",");
  const rest = String(pence % 100).padStart(2, "0");
  return `£${pounds}.${rest}`;
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Calendar dates are fixed values, not "now"-relative, so pages never drift. */
export interface FixedDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export function formatDate(date: FixedDate): string {
  return `${date.day} ${MONTHS[date.month - 1]} ${date.year}`;
}

export function isoDate(date: FixedDate): string {
  return `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}
