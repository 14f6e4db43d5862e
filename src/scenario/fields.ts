import { z } from 'zod';

/**
 * Field types shared by the scenario sections. Each carries the phrase used in
 * error messages ("must be a positive number"), so a bad value is reported in
 * the scenario's own terms rather than the schema library's.
 */
export const positiveNumber = z.number({ error: 'a positive number' }).positive({ error: 'a positive number' });
export const nonNegativeNumber = z.number({ error: 'a number >= 0' }).nonnegative({ error: 'a number >= 0' });
export const positiveInt = z
  .number({ error: 'a positive integer' })
  .int({ error: 'a positive integer' })
  .positive({ error: 'a positive integer' });
export const seedInt = z
  .number({ error: 'a non-negative integer' })
  .int({ error: 'a non-negative integer' })
  .nonnegative({ error: 'a non-negative integer' });
/** A positive integer no larger than `max` (a size limit, see limits.ts); the limit is part of the phrase. */
export function positiveIntUpTo(max: number): z.ZodNumber {
  const phrase = `a positive integer up to ${max.toLocaleString('en-US')}`;
  return z.number({ error: phrase }).int({ error: phrase }).positive({ error: phrase }).max(max, { error: phrase });
}
export const fraction = z.number({ error: 'a number in [0, 1]' }).min(0, { error: 'a number in [0, 1]' }).max(1, { error: 'a number in [0, 1]' });
export const filePath = z.string({ error: 'a file path' }).min(1, { error: 'a file path' });

/** For ranges written as {min, max}: reports on `max` when it lies below `min`. */
export function minNotAboveMax(d: { min: number; max: number }, ctx: z.RefinementCtx): void {
  if (d.min > d.max) ctx.addIssue({ code: 'custom', path: ['max'], message: `must be at least min (${d.min}), got ${d.max}` });
}
