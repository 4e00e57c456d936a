// Types of the generated standalone validator (scripts/compile-schema.mjs).
import type { ValidateFunction } from 'ajv/dist/2020.js';

/** sha256 hex of the images.schema.json text the validator was generated from. */
export declare const schemaSha256: string;
/** The compiled validator of images.schema.json (allErrors, verbose). */
export declare const validate: ValidateFunction;
export default validate;
