import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiParam, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';

/** Every error answer's body (docs/architecture.md), as a schema in every app's document. */
export const ERROR_RESPONSE_SCHEMA_NAME = 'ErrorResponse';
const ERROR_RESPONSE_REF = `#/components/schemas/${ERROR_RESPONSE_SCHEMA_NAME}`;
const ERROR_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message', 'requestId'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', description: 'The HTTP reason phrase', example: 'Bad Request' },
    message: {
      description: 'Human-readable; for validation errors, one message per invalid field',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    requestId: { type: 'string', description: 'Also in the x-request-id header' },
    code: { type: 'string', description: 'A stable error code', example: 'VALIDATION.FAILED' },
  },
};

/** Markers that Public() and Roles() leave on an operation; completeOpenApi turns them into security. */
export const PUBLIC_EXTENSION = 'x-public';
export const ROLES_EXTENSION = 'x-roles';
export const ApiPublic = () => ApiExtension(PUBLIC_EXTENSION, true);
export const ApiRoles = (roles: readonly string[]) => ApiExtension(ROLES_EXTENSION, [...roles]);

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: a parameter or field outside its rules (`VALIDATION.*`), a malformed body or string (`REQUEST.*`)',
  401: 'No valid access token (`AUTH.TOKEN_MISSING`, `AUTH.TOKEN_INVALID`)',
  402: 'Payment required',
  403: 'Not allowed for this caller',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'Body over the size limit (`HTTP.PAYLOAD_TOO_LARGE`)',
  415: 'Body not `application/json` (`HTTP.UNSUPPORTED_MEDIA_TYPE`)',
  422: 'Valid input that this resource cannot take',
  429: 'Too many requests (`GATEWAY.RATE_LIMITED`); `Retry-After` says when to try again',
};

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: { $ref: ERROR_RESPONSE_REF } } } };
}

/**
 * Error answers an operation (or every operation of a controller) gives besides the ones every
 * operation gets (see completeOpenApi), each with the one error body: a status, or a status and
 * what it means here (`[409, 'That episode number is taken (WEBTOON.EPISODE_EXISTS)']`).
 */
export const ApiErrors = (...responses: (number | [number, string])[]) =>
  applyDecorators(
    ...responses.map((response) => {
      const [status, description] = Array.isArray(response)
        ? response
        : [response, DESCRIPTIONS[response] ?? 'Error'];
      return ApiResponse({ status, description, schema: { $ref: ERROR_RESPONSE_REF } });
    }),
  );

/** Path parameters that `idParam('uuid')` checks: any uuid; anything else is a 400. */
export const ApiUuidParams = (names: string[]) =>
  applyDecorators(
    ...names.map((name) => ApiParam({ name, schema: { type: 'string', format: 'uuid' } })),
  );

/** Path parameters that `idParam('objectId')` checks (news, blog): anything else is a 400. */
export const ApiObjectIdParams = (names: string[]) =>
  applyDecorators(
    ...names.map((name) =>
      ApiParam({ name, schema: { type: 'string', pattern: '^[0-9a-fA-F]{24}$' } }),
    ),
  );

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  security?: Record<string, string[]>[];
  [extension: string]: unknown;
}

/**
 * Adds what is true of every operation because of where it runs, so no controller repeats it:
 * 400 and 429 everywhere (the input checks and the gateway's limits), 413 and 415 with a body,
 * 404 with a path parameter; a bearer requirement and 401 unless the route is @Public(), and
 * 403 naming the roles of @Roles(). The same metadata the guards read, so they cannot disagree.
 * `guarded: false` for an app without the platform's global JWT guard (the gateway, web): no
 * bearer requirement anywhere.
 * Request body schemas are closed (no additional properties), as the validation pipe is, and
 * optional when none of their fields is required.
 */
export function completeOpenApi(
  document: OpenAPIObject,
  options: { guarded: boolean } = { guarded: true },
): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas[ERROR_RESPONSE_SCHEMA_NAME] = ERROR_RESPONSE_SCHEMA;
  const schemas = document.components.schemas;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      completeOperation(path, operation, options.guarded);
      const ref = bodySchemaRef(operation);
      const schema = ref === undefined ? undefined : schemas[ref];
      if (!schema || '$ref' in schema) continue;
      // The validation pipe forbids unknown fields (forbidNonWhitelisted): a 400, so the body
      // schema is closed. A body whose fields are all optional may be left out altogether.
      schema.additionalProperties = false;
      if (!schema.required?.length)
        (operation.requestBody as { required?: boolean }).required = false;
    }
  }
  return document;
}

function bodySchemaRef(operation: Operation): string | undefined {
  const body = operation.requestBody as
    { content?: Record<string, { schema?: { $ref?: string } }> } | undefined;
  const ref = body?.content?.['application/json']?.schema?.$ref;
  return ref?.startsWith('#/components/schemas/')
    ? ref.slice('#/components/schemas/'.length)
    : undefined;
}

function completeOperation(path: string, operation: Operation, guarded: boolean): void {
  const responses = (operation.responses ??= {});
  const add = (status: number, description = DESCRIPTIONS[status]) => {
    responses[status] ??= errorResponse(description);
  };
  const isPublic = operation[PUBLIC_EXTENSION] === true;
  const roles = operation[ROLES_EXTENSION] as string[] | undefined;
  delete operation[PUBLIC_EXTENSION];
  delete operation[ROLES_EXTENSION];
  add(400);
  add(429);
  if (operation.requestBody !== undefined) {
    add(413);
    add(415);
  }
  if (path.includes('{')) add(404);
  if (isPublic || !guarded) {
    delete operation.security;
    return;
  }
  operation.security = [{ bearer: [] }];
  add(401);
  if (roles) add(403, `Needs one of the roles: ${roles.join(', ')} (\`AUTH.FORBIDDEN\`)`);
}
