import { z } from 'zod';

/** Building blocks of the event payload schemas. Ids are non-empty strings (uuids in practice). */
export const id = z.string().min(1);
export const instant = z.iso.datetime({ offset: true });
export const coins = z.number().int().nonnegative();
export const positiveCoins = z.number().int().positive();
