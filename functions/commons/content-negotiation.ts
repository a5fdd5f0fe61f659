interface MediaRange {
  range: string;
  quality: number;
}

/**
 * Proactive negotiation on the Accept header (RFC 9110, section 12.5.1): of the media types offered,
 * the one the client weighs highest, a type's weight coming from the most specific range that covers
 * it (`text/csv`, else `text/*`, else the any-type range); ties go to the earlier offer. Without the header every
 * type is acceptable and the first offer wins. Undefined when the client accepts none of them.
 */
export function negotiateMediaType(
  accept: string | undefined,
  offered: readonly string[],
): string | undefined {
  if (!accept?.trim()) return offered[0];
  const ranges = accept.split(',').map(parseMediaRange);
  let best: MediaRange | undefined;
  for (const type of offered) {
    const quality = qualityOf(type.toLowerCase(), ranges);
    if (quality > 0 && (best === undefined || quality > best.quality)) best = { range: type, quality };
  }
  return best?.range;
}

function parseMediaRange(text: string): MediaRange {
  const [range, ...parameters] = text.split(';').map((part) => part.trim().toLowerCase());
  const q = parameters.find((parameter) => parameter.startsWith('q='));
  const quality = q === undefined ? 1 : Number(q.slice(2));
  // A malformed weight counts as "not acceptable" rather than guessing the client's intent.
  return { range, quality: Number.isFinite(quality) ? quality : 0 };
}

function qualityOf(type: string, ranges: readonly MediaRange[]): number {
  const wildcard = `${type.split('/')[0]}/*`;
  const match =
    ranges.find(({ range }) => range === type) ??
    ranges.find(({ range }) => range === wildcard) ??
    ranges.find(({ range }) => range === '*/*');
  return match?.quality ?? 0;
}
