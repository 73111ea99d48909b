/**
 * A machine emits each step's outputs as one batch (`{ type: 'outbox', items }`,
 * firmware/machines/han-events.ts); tests subscribe to the outputs themselves, by type or all
 * ('*'), in the order the machine queued them, as the device runtime takes them.
 */
import type { OutboxEmitted } from '../../firmware/machines/han-events.ts';

interface Emitting<T> {
  on(type: 'outbox', handler: (event: OutboxEmitted<T>) => void): unknown;
}

export function onEmitted<T extends { type: string }, K extends T['type'] | '*'>(
  actor: Emitting<T>,
  type: K,
  handler: (event: K extends '*' ? T : Extract<T, { type: K }>) => void,
): void {
  actor.on('outbox', (batch) => {
    for (const item of batch.items) if (type === '*' || item.type === type) handler(item as never);
  });
}
