/**
 * The dashboard's memory of one run: every item so far, in timeline order, and the run's status;
 * the server's event streams subscribe to it. A page that opens late (or reloads) is sent
 * everything from the start, so a run never waits for its viewer and nothing is missed.
 */
import type { DisplayProfile } from '../firmware/display/render/layout.ts';
import { formatTime } from '../sim/scenario/schema.ts';
import type { HomeMetrics } from '../sim/run/timeline.ts';
import type { TimelineEvent } from '../sim/run/timeline.ts';
import { createItemMaker } from './items.ts';
import type { DashboardItem } from './items.ts';
import { createScreenImages } from './screen-images.ts';
import type { ScreenImages } from './screen-images.ts';

export interface HomeSummary {
  label: string;
  premises: string;
  firmware: { gsme: string; gpf: string; ppmid: string; changeTimeFallback: boolean };
  /** A recording made before misledMinutes was counted (2026-12-04) has none. */
  metrics: Omit<HomeMetrics, 'misledMinutes'> & { misledMinutes?: number };
}

export interface DashboardStatus {
  /** live: a run in this process; recorded: a `hanlab sim --json` file. */
  mode: 'live' | 'recorded';
  scenario: string;
  seed: number;
  /** The run's start and end, ISO 8601 UTC, and as epoch ms for the page. */
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  /** Wall-clock pace (`--speed`), or null: as fast as the machine goes. */
  speed: number | null;
  /** Virtual time the run has reached (epoch ms). */
  atMs: number;
  done: boolean;
  /** The display drawn (its PNG size follows). */
  profile: DisplayProfile;
  /** Each home's summary once the run is over (the `--json` summary line). */
  homes: HomeSummary[] | null;
}

export interface FeedListener {
  items(items: DashboardItem[]): void;
  status(status: DashboardStatus): void;
}

export interface Feed {
  readonly images: ScreenImages;
  push(e: TimelineEvent): void;
  /** Virtual time reached (a live run's progress). */
  progress(atMs: number): void;
  finish(homes: HomeSummary[], endMs: number): void;
  status(): DashboardStatus;
  /** Items from index `from` on and the status, then every new item and status as they come; returns the unsubscribe. */
  subscribe(from: number, listener: FeedListener): () => void;
  readonly length: number;
}

/** Items sent in one message when catching a page up (a whole run is ~20,000 items a home). */
const CATCH_UP_CHUNK = 5_000;

export function createFeed(init: Omit<DashboardStatus, 'atMs' | 'done' | 'homes'>): Feed {
  const images = createScreenImages(init.profile);
  const toItem = createItemMaker(images);
  const items: DashboardItem[] = [];
  let status: DashboardStatus = { ...init, atMs: init.startMs, done: false, homes: null };
  const listeners = new Set<FeedListener>();
  const tellStatus = () => {
    for (const l of listeners) l.status(status);
  };
  return {
    images,
    push(e) {
      const item = toItem(e);
      if (item === null) return;
      items.push(item);
      for (const l of listeners) l.items([item]);
    },
    progress(atMs) {
      if (atMs <= status.atMs) return;
      status = { ...status, atMs };
      tellStatus();
    },
    finish(homes, endMs) {
      status = { ...status, atMs: endMs, end: formatTime(endMs), endMs, done: true, homes };
      tellStatus();
    },
    status: () => status,
    subscribe(from, listener) {
      // The items so far, then the status they add up to.
      for (let i = Math.max(0, from); i < items.length; i += CATCH_UP_CHUNK) listener.items(items.slice(i, i + CATCH_UP_CHUNK));
      listener.status(status);
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get length() {
      return items.length;
    },
  };
}
