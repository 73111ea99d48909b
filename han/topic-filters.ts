/**
 * Whether a topic matches any of a list of MQTT topic filters (`+` one level, `#` the rest,
 * including the parent level: `a/#` matches `a`), with qlobber configured as Aedes' own router
 * (mqemitter) configures it, so the embedded broker's ACL and its routing agree on what a filter
 * matches. Mosquitto's ACL matches the same way.
 */
import { QlobberTrue } from 'qlobber';

export type TopicFilterSet = (topic: string) => boolean;

export function topicFilterSet(filters: readonly string[]): TopicFilterSet {
  if (filters.length === 0) return () => false;
  const matcher = new QlobberTrue({ separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true });
  for (const f of filters) matcher.add(f);
  return (topic) => matcher.test(topic);
}
