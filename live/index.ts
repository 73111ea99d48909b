/**
 * What cli/ uses of the dashboard: a feed for a live run (pushed by runSimulation's onEvent and
 * onProgress) or for a recording, and the server that shows it.
 */
import type { DisplayProfile } from '../firmware/display/render/layout.ts';
import { formatTime } from '../sim/scenario/schema.ts';
import { createFeed } from './feed.ts';
import type { Feed } from './feed.ts';
import type { Recording } from './recording.ts';

export { createFeed } from './feed.ts';
export type { DashboardStatus, Feed, HomeSummary } from './feed.ts';
export { readRecording, RecordingError } from './recording.ts';
export type { Recording } from './recording.ts';
export { startDashboardServer } from './server.ts';
export type { DashboardServer } from './server.ts';

/** A feed holding a whole recorded run, over for the page (it scrubs). */
export function recordingFeed(rec: Recording, profile: DisplayProfile): Feed {
  const feed = createFeed({ mode: 'recorded', scenario: rec.scenario, seed: rec.seed, start: formatTime(rec.startMs), end: formatTime(rec.endMs), startMs: rec.startMs, endMs: rec.endMs, speed: null, profile });
  for (const e of rec.events) feed.push(e);
  feed.finish(rec.homes ?? [], rec.endMs);
  return feed;
}
