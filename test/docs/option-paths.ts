import type { z } from 'zod';

/**
 * Every option path of a zod object schema, dotted (`tokens.accessTokenTtl`,
 * `providers.local-userpass.confirmation.mode`). Objects are walked into, through optional,
 * default, nullable, pipe and union wrappers (a union's object variants add their keys: the
 * modes of a discriminated union); a `{ limit, window }` rule, an array and anything else is a leaf.
 */
export function optionPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return optionPaths(def['innerType'] as z.ZodType, prefix);
    case 'pipe':
      return optionPaths(def['in'] as z.ZodType, prefix);
    case 'union': {
      const paths = (def['options'] as z.ZodType[]).flatMap((option) => optionPaths(option, prefix));
      return [...new Set(paths.filter((p) => p !== prefix))].length ? [...new Set(paths.filter((p) => p !== prefix))] : [prefix];
    }
    case 'object': {
      const shape = def['shape'] as Record<string, z.ZodType>;
      const keys = Object.keys(shape);
      if (keys.length === 2 && keys.includes('limit') && keys.includes('window')) return [prefix];
      return keys.flatMap((key) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...optionPaths(shape[key]!, path).filter((p) => p !== path)];
      });
    }
    default:
      return [prefix];
  }
}
