import { z } from 'zod';

/** The JSON Schema of one event payload, the form its snapshot is kept in. */
export interface PayloadSchema {
  properties: Record<string, unknown>;
  required: string[];
}

export function payloadSchemaOf(schema: z.ZodType): PayloadSchema {
  const json = z.toJSONSchema(schema) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return { properties: json.properties ?? {}, required: [...(json.required ?? [])].sort() };
}

/**
 * What makes `current` unable to stand in for `recorded` within one version, both ways:
 * consumers built on either must accept what producers built on the other send. So a field
 * may only be added, and only as optional; an existing field keeps its exact schema and
 * whether it is required. Anything else is a new version (a new type).
 */
export function breakingChanges(recorded: PayloadSchema, current: PayloadSchema): string[] {
  const problems: string[] = [];
  for (const [field, schema] of Object.entries(recorded.properties)) {
    if (!(field in current.properties)) problems.push(`field ${field} was removed`);
    else if (JSON.stringify(current.properties[field]) !== JSON.stringify(schema)) {
      problems.push(`field ${field} changed its schema`);
    }
  }
  for (const field of current.required) {
    if (!recorded.required.includes(field)) problems.push(`field ${field} is newly required`);
  }
  for (const field of recorded.required) {
    if (!current.required.includes(field)) problems.push(`field ${field} is no longer required`);
  }
  return problems;
}
