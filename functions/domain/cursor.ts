/**
 * The one codec of opaque page cursors: JSON in standard base64, the alphabet Camunda's API schema
 * requires of `startCursor`/`endCursor` (`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=)?$`).
 */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

/** The value a cursor made by `encodeCursor` carries; undefined when it is not such a cursor. */
export function decodeCursor(cursor: string): unknown {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64').toString());
  } catch {
    return undefined;
  }
}
