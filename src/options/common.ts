/** Schema pieces that several option groups share. */
import type { Store as RateLimitStore } from 'express-rate-limit';
import { z } from 'zod';
import { compileMetadataField } from '../model/claim-paths.js';

export const seconds = (fallback: number) => z.number().int().positive().default(fallback);
export const milliseconds = (fallback: number) => z.number().int().min(0).default(fallback);
export const DAY = 86_400;
export const MINUTES_15 = 15 * 60;

export const fn = <T>() => z.custom<T>((v) => typeof v === 'function', { message: 'must be a function' });
/** At most `limit` counted requests per `window` seconds. */
export const limitRule = (limit: number, window: number) =>
  z.strictObject({ limit: z.number().int().positive().default(limit), window: seconds(window) }).prefault({});
/** A store per limiter (e.g. rate-limit-redis with `prefix: name`, for several instances); in memory by default. */
export const limitStore = fn<(name: string) => RateLimitStore>().optional();

/** One metadata field: a claim path, or `{ name, fieldName?, required? }`. */
const metadataField = z
  .union([
    z.string().min(1).max(256).transform((name) => ({ name, required: false })),
    z.strictObject({
      /** Claim path, dotted; `\.` escapes a literal dot. */
      name: z.string().min(1).max(256),
      /** Key in `data`; defaults to the path's last segment. */
      fieldName: z.string().min(1).optional(),
      /** A login whose claims lack this field fails. */
      required: z.boolean().default(false),
    }),
  ])
  .transform((spec, ctx) => {
    try {
      return compileMetadataField(spec);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/**
 * Metadata fields mapped from claims (SPEC §2), checked and parsed at start-up; `defaults`
 * when the option is absent.
 */
export const metadataFieldsOr = (defaults: string[]) =>
  z
    .array(metadataField)
    .superRefine((fields, ctx) => {
      const seen = new Set<string>();
      fields.forEach((field, i) => {
        if (seen.has(field.fieldName)) ctx.addIssue({ code: 'custom', path: [i, 'fieldName'], message: `"${field.fieldName}" is mapped twice` });
        seen.add(field.fieldName);
      });
    })
    .prefault(defaults);

export const metadataFields = metadataFieldsOr([]);

/** How a remote JWK set is fetched, milliseconds (jose's createRemoteJWKSet options). */
export const jwksFetch = z
  .strictObject({
    /** An unknown `kid` refetches the set at most this often. */
    cooldownDuration: milliseconds(30_000),
    /** The set is refetched when older than this. */
    cacheMaxAge: milliseconds(10 * 60_000),
    timeoutDuration: milliseconds(5_000),
  })
  .prefault({});
