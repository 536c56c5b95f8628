import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { ZodTypeAny } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

/** What a request body may be sent as: Label Studio's API takes JSON and form encodings. */
export const API_BODY_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;

/** A request schema as OpenAPI 3 describes it: the input the schema accepts, inlined. */
export function openApiSchemaOf(schema: ZodTypeAny): Record<string, unknown> {
  // zodToJsonSchema's generic signature is too deep for the compiler on these schemas.
  const convert = zodToJsonSchema as (
    schema: unknown,
    options: Record<string, unknown>,
  ) => Record<string, unknown>;
  const { $schema: _ignored, ...json } = convert(schema, {
    target: 'openApi3',
    $refStrategy: 'none',
    effectStrategy: 'input',
  });
  return json;
}

/**
 * Documents a handler's request body with the very schema that validates it (`parseBody(schema, …)`
 * in the handler): the API reference is generated from it, never kept by hand.
 */
export const BodySchema = (schema: ZodTypeAny, types: readonly string[] = API_BODY_TYPES) =>
  applyDecorators(ApiConsumes(...types), ApiBody({ schema: openApiSchemaOf(schema) }));
