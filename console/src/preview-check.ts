/**
 * "What was confirmed is what runs", as far as today's API lets the console check it: the batch's
 * items compared with the preview, by key where the preview kept every key, else by count.
 */
export interface PreviewCheck {
  exact: boolean;
  /** Instances in the batch that the preview did not show (or the count difference). */
  added: number;
  /** Instances the preview showed that the batch does not hold. */
  removed: number;
  message: string;
}

export function checkPreview(
  preview: { total: number; keys?: readonly string[] },
  batch: { total: number; keys?: readonly string[] },
): PreviewCheck {
  if (preview.keys && batch.keys) {
    const previewed = new Set(preview.keys);
    const held = new Set(batch.keys);
    const added = [...held].filter((key) => !previewed.has(key)).length;
    const removed = [...previewed].filter((key) => !held.has(key)).length;
    if (added === 0 && removed === 0)
      return {
        exact: true,
        added,
        removed,
        message: `The batch holds exactly the ${preview.total} previewed instances.`,
      };
    return {
      exact: false,
      added,
      removed,
      message: `${added + removed} instance${added + removed === 1 ? '' : 's'} changed since the preview: ${added} match${
        added === 1 ? 'es' : ''
      } now but ${added === 1 ? 'was' : 'were'} not previewed, ${removed} previewed ${removed === 1 ? 'does' : 'do'} not match any more.`,
    };
  }
  const difference = batch.total - preview.total;
  if (difference === 0)
    return {
      exact: true,
      added: 0,
      removed: 0,
      message: `The batch holds ${batch.total} instances, as many as previewed (compared by count: the preview had more than the keys the console keeps).`,
    };
  return {
    exact: false,
    added: Math.max(0, difference),
    removed: Math.max(0, -difference),
    message: `${Math.abs(difference)} instance${Math.abs(difference) === 1 ? '' : 's'} changed since the preview: the batch holds ${batch.total}, the preview counted ${preview.total}.`,
  };
}
