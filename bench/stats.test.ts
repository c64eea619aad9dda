// Proves the statistics behind every reported figure: medians of odd and even counts (checked
// against a sort-based model with fast-check), summaries, ratios and histogram quantiles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { histogramQuantile, median, ratio, summarize } from './stats.js';

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(median([3])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('lies between min and max and splits the values in halves', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
        const m = median(values);
        expect(m).toBeGreaterThanOrEqual(Math.min(...values));
        expect(m).toBeLessThanOrEqual(Math.max(...values));
        expect(values.filter((v) => v < m).length).toBeLessThanOrEqual(Math.floor(values.length / 2));
        expect(values.filter((v) => v > m).length).toBeLessThanOrEqual(Math.floor(values.length / 2));
      }),
    );
  });

  it('refuses an empty list and non-finite values', () => {
    expect(() => median([])).toThrow(/no values/);
    expect(() => median([1, Number.NaN])).toThrow(/non-finite/);
  });
});

describe('summarize and ratio', () => {
  it('summarizes runs as min, median, max and count', () => {
    expect(summarize([120, 100, 110])).toEqual({ min: 100, median: 110, max: 120, count: 3 });
    expect(summarize([])).toBeNull();
  });

  it('divides the first median by the second, and is null without both', () => {
    const atoll = summarize([50, 40, 60]);
    const mariadb = summarize([200, 100, 300]);
    expect(ratio(atoll, mariadb)).toBe(0.25);
    expect(ratio(null, mariadb)).toBeNull();
    expect(ratio(atoll, null)).toBeNull();
    expect(ratio(atoll, summarize([0]))).toBeNull();
  });
});

describe('histogramQuantile', () => {
  const buckets = [
    { value: 1, count: 50 },
    { value: 2, count: 40 },
    { value: 10, count: 9 },
    { value: 100, count: 1 },
  ];

  it('finds the bucket where the cumulative count reaches the fraction', () => {
    expect(histogramQuantile(buckets, 0.5)).toBe(1);
    expect(histogramQuantile(buckets, 0.51)).toBe(2);
    expect(histogramQuantile(buckets, 0.9)).toBe(2);
    expect(histogramQuantile(buckets, 0.99)).toBe(10);
    expect(histogramQuantile(buckets, 1)).toBe(100);
  });

  it('is null for an empty histogram and rejects fractions outside (0, 1]', () => {
    expect(histogramQuantile([], 0.5)).toBeNull();
    expect(() => histogramQuantile(buckets, 0)).toThrow();
    expect(() => histogramQuantile(buckets, 1.5)).toThrow();
  });
});
