import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv2020 as Ajv2020Class, ValidateFunction } from 'ajv/dist/2020.js';
import { schemaSha256, validate as precompiled } from '../../schemas/images.schema.validate.mjs';
import type { KilnConfig } from './define-config.js';

/** Absolute path of schemas/images.schema.json (two levels above both src/config and dist/config). */
export const manifestSchemaPath = fileURLToPath(new URL('../../schemas/images.schema.json', import.meta.url));

/**
 * The manifest schema's validator, reporting every error with its schema (verbose). The one
 * precompiled by scripts/compile-schema.mjs is used while it matches the schema file: importing ajv
 * and compiling the schema cost ~200-400 ms of every kiln start. An edited schema that was not
 * recompiled still validates correctly, through ajv at run time.
 */
export function createManifestValidator(): ValidateFunction<KilnConfig> {
  const text = readFileSync(manifestSchemaPath, 'utf8');
  if (createHash('sha256').update(text).digest('hex') === schemaSha256) return precompiled as ValidateFunction<KilnConfig>;
  const schema: unknown = JSON.parse(text);
  if (typeof schema !== 'object' || schema === null) throw new Error(`broken schema: ${manifestSchemaPath}`);
  // ajv is CommonJS, so it can be loaded synchronously, and only on this slow path.
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Class };
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  return ajv.compile<KilnConfig>(schema);
}
