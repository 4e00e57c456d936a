import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createManifestValidator, manifestSchemaPath } from '../../src/config/schema.js';
// @ts-expect-error: a plain .mjs script without types
import { compileSchemaModule } from '../../scripts/compile-schema.mjs';

describe('precompiled manifest validator', () => {
  it('is generated from the current schema (run node scripts/compile-schema.mjs after editing it)', () => {
    const committed = readFileSync(new URL('../../schemas/images.schema.validate.mjs', import.meta.url), 'utf8');
    expect(committed).toBe((compileSchemaModule as () => string)());
  });

  it('reports the same errors as ajv compiling the schema at run time', () => {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    const runtime = ajv.compile(JSON.parse(readFileSync(manifestSchemaPath, 'utf8')) as object);
    const precompiled = createManifestValidator();
    const manifests: unknown[] = [
      { version: 1, images: { api: { context: 'api' } } },
      { version: 2, images: { api: { context: 3, bogus: true } } },
      { images: { 'Bad Name': {} }, groups: { g: 'x' } },
      { version: 1, images: { a: { context: '.', tags: [1], args: { X: [] } } } },
    ];
    for (const manifest of manifests) {
      const a = runtime(manifest);
      const b = precompiled(manifest);
      expect(b).toBe(a);
      const strip = (errors: typeof runtime.errors) => (errors ?? []).map((e) => ({ ...e }));
      expect(strip(precompiled.errors)).toEqual(strip(runtime.errors));
    }
  });
});
