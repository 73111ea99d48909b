/**
 * The dashboard's web server as both commands start it (`hanlab dashboard FILE`, `hanlab sim
 * --dashboard`): the URL said on stderr before anything else, a port already taken said as a
 * usage error, and the wait for Ctrl-C once there is nothing more to do.
 */
import { startDashboardServer } from '../live/index.ts';
import type { DashboardServer, Feed } from '../live/index.ts';
import { UsageError } from './usage.ts';

/** Listens on 127.0.0.1:port and says where on stderr, first. */
export async function listen(feed: Feed, flag: string, port: number, say: (line: string) => void): Promise<DashboardServer> {
  let server: DashboardServer;
  try {
    server = await startDashboardServer(feed, { port, host: '127.0.0.1' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`${flag} ${port}: already in use on 127.0.0.1; give another (0: any free port)`);
    if (code === 'EACCES') throw new UsageError(`${flag} ${port}: not allowed to listen there (ports below 1024 need privileges); give another (0: any free port)`);
    throw err;
  }
  say(`Dashboard at ${server.url} (open it in a browser; Ctrl-C stops it)`);
  return server;
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
