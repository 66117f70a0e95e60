/**
 * Growable typed-array columns. The aggregator keeps one row per exposed visitor per experiment phase, so a
 * million visitors cost a few numbers each rather than a million objects.
 */

export interface NumberColumn {
  get(index: number): number;
  set(index: number, value: number): void;
  add(index: number, value: number): void;
}

type Typed = Float64Array | Uint32Array;

function column<T extends Typed>(make: (length: number) => T, fill: number): NumberColumn {
  let values = make(0);
  const reserve = (index: number) => {
    if (index < values.length) return;
    let length = Math.max(1024, values.length);
    while (length <= index) length *= 2;
    const next = make(length);
    next.set(values as ArrayLike<number> & T);
    if (fill !== 0) next.fill(fill, values.length);
    values = next;
  };
  return {
    get: (index) => (index < values.length ? (values[index] as number) : fill),
    set(index, value) {
      reserve(index);
      values[index] = value;
    },
    add(index, value) {
      reserve(index);
      values[index] = (values[index] as number) + value;
    },
  };
}

/** Doubles (timestamps, money); unset cells read `fill`, e.g. NaN for "not yet". */
export const float64Column = (fill = 0): NumberColumn => column((length) => new Float64Array(length), fill);

/** Non-negative integers below 2³² (arm and group indexes, flags, counts); unset cells read 0. */
export const uint32Column = (): NumberColumn => column((length) => new Uint32Array(length), 0);
