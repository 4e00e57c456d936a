import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { KilnConfig } from './define-config.js';

/** Absolute path of schemas/images.schema.json (two levels above both src/config and dist/config). */
export const manifestSchemaPath = fileURLToPath(new URL('../../schemas/images.schema.json', import.meta.url));

/** Compiles the manifest schema into a validator that reports every error, with its schema (verbose). */
export function createManifestValidator(): ValidateFunction<KilnConfig> {
  const schema: unknown = JSON.parse(readFileSync(manifestSchemaPath, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  if (typeof schema !== 'object' || schema === null) throw new Error(`broken schema: ${manifestSchemaPath}`);
  return ajv.compile<KilnConfig>(schema);
}
