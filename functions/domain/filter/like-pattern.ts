/**
 * Camunda's `$like`: `*` any sequence, `?` one character, a backslash escapes either.
 *
 * Matched by scanning, never by a backtracking regular expression (where `*a*a*a…b` against a long
 * run of `a` takes exponential time). The pattern is split at its stars into segments; the first
 * segment must match at the start, the last at the end, and every segment between is taken at its
 * leftmost match after the previous one (the leftmost match leaves the most room for the rest, so
 * trying any later one cannot succeed where it failed). Each segment is looked for at most once per
 * position of the value, so a match costs at most (value length + 1) × (pattern length) character
 * comparisons: linear in the value and in the pattern, whatever the pattern.
 */
export interface LikePattern {
  /** The text between the stars; `undefined` at a `?`. */
  segments: (string | undefined)[][];
  /** Whether the pattern has no star: then the one segment must cover the whole value. */
  anchoredBothEnds: boolean;
}

export function parseLike(pattern: string): LikePattern {
  const segments: (string | undefined)[][] = [[]];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    const current = segments[segments.length - 1];
    if (char === '\\' && index + 1 < pattern.length) current.push(pattern[++index]);
    else if (char === '*') segments.push([]);
    else current.push(char === '?' ? undefined : char);
  }
  return { segments, anchoredBothEnds: segments.length === 1 };
}

export function likeMatches({ segments, anchoredBothEnds }: LikePattern, text: string): boolean {
  const first = segments[0];
  if (anchoredBothEnds) return text.length === first.length && segmentAt(first, text, 0);
  const last = segments[segments.length - 1];
  const end = text.length - last.length;
  if (end < first.length || !segmentAt(first, text, 0) || !segmentAt(last, text, end)) return false;
  let position = first.length;
  for (const segment of segments.slice(1, -1)) {
    const found = leftmost(segment, text, position, end);
    if (found < 0) return false;
    position = found + segment.length;
  }
  return true;
}

/** Whether the segment matches the text at the position (one comparison per segment character). */
function segmentAt(segment: readonly (string | undefined)[], text: string, position: number): boolean {
  for (let offset = 0; offset < segment.length; offset++) {
    const expected = segment[offset];
    if (expected !== undefined && text[position + offset] !== expected) return false;
  }
  return true;
}

/** The first position in [from, end - segment length] where the segment matches, or -1. */
function leftmost(segment: readonly (string | undefined)[], text: string, from: number, end: number): number {
  for (let position = from; position + segment.length <= end; position++) {
    if (segmentAt(segment, text, position)) return position;
  }
  return -1;
}

/**
 * The literal text a `$like` pattern starts with (up to its first wildcard), and whether the pattern
 * has no wildcard at all (then it is plain equality with that text). Lets the planner push a prefix.
 */
export function likePrefix(pattern: string): { prefix: string; exact: boolean } {
  let prefix = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\' && index + 1 < pattern.length) prefix += pattern[++index];
    else if (char === '*' || char === '?') return { prefix, exact: false };
    else prefix += char;
  }
  return { prefix, exact: true };
}
