/** The label value that sums every channel without one of its own. */
export const OTHER_CHANNELS = '(other)';

/**
 * The channels that get a label value of their own: the `max` with the most
 * local subscribers, and the rest summed under `(other)`. Every label value
 * is a time series to Prometheus, and channels are often per user or per
 * room: unbounded, they would grow its memory (and this process's) without
 * limit. The set is re-chosen at every scrape, so a channel that grows busy
 * gets its own series, and one that empties drops out.
 */
export function channelLabels(channels: Record<string, number>, max: number): Array<[label: string, subscribers: number]> {
  const entries = Object.entries(channels);
  if (entries.length <= max) return entries;
  entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  let others = 0;
  for (let i = max; i < entries.length; i++) others += entries[i]![1];
  const top = entries.slice(0, max);
  top.push([OTHER_CHANNELS, others]);
  return top;
}
