import { InvalidArgumentError } from '#domain/errors.ts';
import { isKey } from '#domain/keys.ts';
import { type HttpEvent, pathParameter } from './http.ts';

/** A key path parameter (a string of digits), or 400 naming it. */
export function keyParameter(event: HttpEvent, name: string): string {
  const key = pathParameter(event, name);
  if (!isKey(key)) throw new InvalidArgumentError(`${name} must be a key (a string of digits), got '${key}'`);
  return key;
}
