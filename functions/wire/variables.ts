import { z } from 'zod';

/**
 * Names every JavaScript object has (`constructor`, `__proto__`, `toString`, …). As a variable name
 * one would be dropped on parsing (`__proto__` sets the prototype) or be found on every instance that
 * lacks it (`constructor`): refused with a 400 instead.
 */
const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A request's variables: a map of JSON values by name, none of them an inherited name. */
export function variablesSchema(name: z.ZodString = z.string()) {
  return z
    .unknown()
    .superRefine((value, context) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      for (const key of Object.keys(value)) {
        if (INHERITED_NAMES.has(key))
          context.addIssue({
            code: 'custom',
            path: [key],
            message: `'${key}' cannot be a variable name: every JavaScript object has a member of that name; rename the variable`,
          });
      }
    })
    .pipe(z.record(name, z.unknown()));
}
