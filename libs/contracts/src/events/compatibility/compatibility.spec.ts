import { z } from 'zod';
import { breakingChanges, payloadSchemaOf } from './compatibility';

const v1 = payloadSchemaOf(
  z.object({ id: z.string(), amount: z.number().int(), note: z.string().optional() }),
);

describe('breakingChanges', () => {
  it('accepts the same schema and an added optional field', () => {
    expect(breakingChanges(v1, v1)).toEqual([]);
    const widened = z.object({
      id: z.string(),
      amount: z.number().int(),
      note: z.string().optional(),
      currency: z.string().optional(),
    });
    expect(breakingChanges(v1, payloadSchemaOf(widened))).toEqual([]);
  });

  it('names each change an old consumer or an old producer would not survive', () => {
    const changed = z.object({
      id: z.number(),
      note: z.string(),
      currency: z.string(),
    });
    expect(breakingChanges(v1, payloadSchemaOf(changed))).toEqual([
      'field id changed its schema',
      'field amount was removed',
      'field currency is newly required',
      'field note is newly required',
      'field amount is no longer required',
    ]);
  });
});
