import type { Variant } from "../schema/experiment.ts";

/**
 * Picks the arm for a bucket in [0, 1). Each variant owns a slice of [0, 1) sized coverage × its weight share,
 * placed at the start of its weight band: raising coverage only grows the slices, so nobody already in the
 * experiment changes arm, and visitors outside every slice are not in the experiment at all.
 */
export function assignVariant(
  variants: readonly Variant[],
  coverage: number,
  position: number,
): Variant | undefined {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (total <= 0) return undefined;
  let bandStart = 0;
  for (const variant of variants) {
    const share = variant.weight / total;
    if (position >= bandStart && position < bandStart + share * coverage) return variant;
    bandStart += share;
  }
  return undefined;
}
