// Y-axis ticks: a step of 1, 2 or 5 × 10^k with at most `maxTicks` ticks over [min, max], and labels with exactly the
// decimals that step needs, so neighbouring labels always differ (rounding past the spacing printed "36 36 36").

// The smallest 1/2/5 × 10^k step at least `raw`, with its number of decimals.
export function niceStep(raw) {
  const exponent = Math.floor(Math.log10(raw));
  for (const mantissa of [1, 2, 5, 10]) {
    const k = mantissa === 10 ? exponent + 1 : exponent;
    const m = mantissa === 10 ? 1 : mantissa;
    // 10^k with k < 0 is exact only as a division (0.1 * 3 is not 0.3, but 3 / 10 is).
    const step = k >= 0 ? m * 10 ** k : m / 10 ** -k;
    if (step >= raw * (1 - 1e-9)) return { step, decimals: Math.max(0, -k) };
  }
  throw new Error('unreachable');
}

// Ticks covering [min, max]: { lo, hi, step, decimals, values, labels }. lo and hi are the outer ticks (the axis range).
export function niceTicks(min, max, maxTicks = 6, unit = '') {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError('min and max must be finite numbers');
  if (min > max) [min, max] = [max, min];
  if (max - min <= Math.max(Math.abs(min), Math.abs(max)) * 1e-9) {
    // A flat line (or one flatter than a double can step through): a band of ±1 % around it.
    const centre = (min + max) / 2, pad = Math.abs(centre) * 0.01 || 1;
    min = centre - pad;
    max = centre + pad;
  }
  const intervals = Math.max(1, Math.floor(maxTicks) - 1);
  let { step, decimals } = niceStep((max - min) / intervals);
  let first = Math.floor(min / step + 1e-9), last = Math.ceil(max / step - 1e-9);
  while (last - first > intervals) {
    // Widening to whole steps can add one interval too many: take the next larger step.
    ({ step, decimals } = niceStep(step * 1.5));
    first = Math.floor(min / step + 1e-9);
    last = Math.ceil(max / step - 1e-9);
  }
  const values = [];
  for (let i = first; i <= last; i++) values.push(Number((i * step).toFixed(decimals)));
  const suffix = unit ? ' ' + unit : '';
  const labels = values.map(v => (v === 0 ? 0 : v).toFixed(decimals) + suffix);
  return { lo: values[0], hi: values[values.length - 1], step, decimals, values, labels };
}
