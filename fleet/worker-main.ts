/**
 * The child side of fleet/workers.ts (`hanlab fleet --worker`, started by the fleet with an IPC
 * channel): one job, its homes run in order, each outcome sent as it completes.
 */
import { resolvePopulation } from './population/load.ts';
import { homeRunOptions, launchGate, runHome, START_RATE } from './run.ts';
import type { WorkerJob, WorkerMessage } from './workers.ts';

export async function workerMain(): Promise<number> {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('--worker: only for a worker process the fleet starts (it needs the IPC channel)');
  // The fleet that started it gone (stopped by PID, say): nobody will read its outcomes, so it
  // ends rather than run its homes to the end as an orphan.
  const orphaned = () => process.exit(1);
  process.once('disconnect', orphaned);
  const job = await new Promise<WorkerJob>((resolve) => process.once('message', (m) => resolve(m as WorkerJob)));
  const post = (m: WorkerMessage) => new Promise<void>((resolve, reject) => send(m, (err: Error | null) => (err ? reject(err) : resolve())));
  try {
    const pop = resolvePopulation(job.population, job.label);
    const o = homeRunOptions(job);
    // Paced homes run all at once (real cadence); virtual ones one after another.
    if (job.speed !== undefined) {
      const gate = launchGate(START_RATE);
      await Promise.all(
        job.homes.map(async (index) => {
          await gate();
          await post({ type: 'home', outcome: await runHome(pop, o, index) });
        }),
      );
    }
    else for (const index of job.homes) await post({ type: 'home', outcome: await runHome(pop, o, index) });
    const cpu = process.cpuUsage();
    await post({ type: 'stats', stats: { pid: process.pid, homes: job.homes.length, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMiB: process.resourceUsage().maxRSS / 1024 } });
    await post({ type: 'done' });
  } catch (err) {
    await post({ type: 'error', message: (err as Error).message });
    // Other homes of the job may still hold sockets and timers: the job has failed, so this
    // process ends now rather than when they do (it would otherwise outlive its run).
    process.exit(1);
  }
  process.off('disconnect', orphaned);
  process.disconnect?.();
  return 0;
}
