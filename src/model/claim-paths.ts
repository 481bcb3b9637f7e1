/**
 * Metadata fields (SPEC §2): a claim path such as `user.profile.email` picks a value out of a
 * provider's claims and stores it on the identity's `data` under a field name. Paths are
 * dotted; `\.` is a literal dot and `\\` a literal backslash.
 */
import { FORBIDDEN_KEYS, fieldNameProblem, storableProblem } from './storable.js';
import type { Metadata } from './types.js';

/** A metadata field as configured. */
export interface MetadataFieldSpec {
  /** The claim path, dotted (`\.` escapes a dot). */
  name: string;
  /** The key in `data`. @default the last path segment */
  fieldName?: string | undefined;
  /** Whether a login without this claim fails. @default false */
  required?: boolean | undefined;
}

/** A metadata field checked and parsed once, at start-up. */
export interface MetadataField {
  name: string;
  path: string[];
  fieldName: string;
  required: boolean;
}

export interface MappedMetadata {
  data: Metadata;
  /** Names (claim paths) of required fields the claims lack. */
  missing: string[];
  /** Names of fields whose value cannot be stored (an object key with `.` or a leading `$`, or too deep). */
  unstorable: string[];
}

/** The longest field name App Services accepts. */
export const MAX_FIELD_NAME_LENGTH = 63;
const MAX_VALUE_DEPTH = 8;

/** Splits a claim path into its segments; throws an Error saying what is wrong with it. */
export function parseClaimPath(name: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    const char = name[i]!;
    if (char === '\\') {
      const next = name[i + 1];
      if (next !== '.' && next !== '\\') throw new Error(`"${name}": a backslash must escape "." or "\\"`);
      current += next;
      i++;
    } else if (char === '.') {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  if (segments.some((s) => s === '')) throw new Error(`"${name}": empty path segment`);
  const forbidden = segments.find((s) => FORBIDDEN_KEYS.has(s));
  if (forbidden !== undefined) throw new Error(`"${name}": "${forbidden}" cannot be a path segment`);
  return segments;
}

/** Checks a configured field; throws an Error naming the problem. */
export function compileMetadataField(spec: MetadataFieldSpec): MetadataField {
  const path = parseClaimPath(spec.name);
  const fieldName = spec.fieldName ?? path[path.length - 1]!;
  const problem = fieldNameProblem(fieldName);
  if (problem) {
    const hint = spec.fieldName === undefined ? ` (it defaults to the last segment of "${spec.name}"; set fieldName)` : '';
    throw new Error(`field name "${fieldName}" ${problem}${hint}`);
  }
  if (fieldName.length > MAX_FIELD_NAME_LENGTH) {
    throw new Error(`field name "${fieldName}" is longer than ${MAX_FIELD_NAME_LENGTH} characters`);
  }
  return { name: spec.name, path, fieldName, required: spec.required ?? false };
}

/** The value at a path, following own properties of plain objects only (never a prototype). */
export function readClaim(source: unknown, path: readonly string[]): unknown {
  let value = source;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Maps claims onto metadata: each field's value lands under its field name; `null` counts as
 * absent; claims no field names are dropped.
 */
export function mapMetadata(claims: unknown, fields: readonly MetadataField[]): MappedMetadata {
  const result: MappedMetadata = { data: {}, missing: [], unstorable: [] };
  for (const field of fields) {
    const value = readClaim(claims, field.path);
    if (value === undefined || value === null) {
      if (field.required) result.missing.push(field.name);
    } else if (storableProblem(value, MAX_VALUE_DEPTH) !== undefined) {
      result.unstorable.push(field.name);
    } else {
      result.data[field.fieldName] = value;
    }
  }
  return result;
}
