/**
 * The dashboard's web server, on fastify: the page and its script (public/), uPlot from
 * node_modules (no build step, no CDN), the screens' PNGs, the run's status, and the run's items
 * as server-sent events. It serves one feed (feed.ts): a live run in this process or a recording.
 * Every request's parameters are checked with zod; a bad one is a 400 with what was expected.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { z } from 'zod';
import type { Feed } from './feed.ts';
import type { DashboardItem } from './items.ts';

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), 'public');
const UPLOT = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

/** File served at each path: the page's own, and uPlot's (MIT, its licence beside it). */
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: join(PUBLIC, 'index.html'), type: 'text/html; charset=utf-8' },
  '/dashboard.js': { file: join(PUBLIC, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/dashboard.css': { file: join(PUBLIC, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/uplot/uPlot.iife.min.js': { file: join(UPLOT, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/uplot/uPlot.min.css': { file: join(UPLOT, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

const eventsQuery = z.strictObject({ from: z.coerce.number().int().nonnegative().optional() });
const screenParams = z.object({ id: z.string().regex(/^\d{1,9}$/, 'a picture number') });

/** A refusal in the project's words: which parameter, what was expected. */
function badRequest(error: z.ZodError): { error: string } {
  const issue = error.issues[0]!;
  return { error: `${issue.path.join('.') || 'query'}: ${issue.message}` };
}

/** Items are sent at most this often (wall ms): a fast run makes thousands a second. */
const BATCH_MS = 100;

export async function startDashboardServer(feed: Feed, o: { port: number; host: string }): Promise<DashboardServer> {
  // Open event streams never go idle: without this, close() would wait for every page to go.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  const streams = new Set<ServerResponse>();
  // Read once: the files are small, and a page served mid-run should not hit the disk again.
  const files = Object.fromEntries(Object.entries(STATIC).map(([path, f]) => [path, { body: readFileSync(f.file), type: f.type }]));
  for (const [path, f] of Object.entries(files)) app.get(path, async (_req, reply) => reply.type(f.type).header('cache-control', 'no-cache').send(f.body));

  app.get('/api/status', async () => feed.status());

  app.get<{ Params: { id: string } }>('/screen/:id.png', async (req, reply) => {
    const p = screenParams.safeParse(req.params);
    if (!p.success) return reply.code(400).send(badRequest(p.error));
    const png = feed.images.png(Number(p.data.id));
    if (png === undefined) return reply.code(404).send({ error: `id: no screen picture ${p.data.id} (${feed.images.count} drawn so far)` });
    // A picture's number always means the same pixels.
    return reply.type('image/png').header('cache-control', 'public, max-age=31536000, immutable').send(png);
  });

  app.get('/events', (req, reply) => {
    const q = eventsQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send(badRequest(q.error));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    streams.add(res);
    let pending: DashboardItem[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      if (pending.length === 0) return;
      res.write(`data: ${JSON.stringify(pending)}\n\n`);
      pending = [];
    };
    const unsubscribe = feed.subscribe(q.data.from ?? 0, {
      items(items) {
        // The catch-up at subscribe comes in large chunks: straight out; live items in batches.
        if (items.length > 1) {
          flush();
          res.write(`data: ${JSON.stringify(items)}\n\n`);
        } else {
          pending.push(...items);
          timer ??= setTimeout(flush, BATCH_MS);
        }
      },
      status(s) {
        // Items before the status they led to: the page never sees "done" with items missing.
        if (timer) clearTimeout(timer);
        flush();
        res.write(`event: status\ndata: ${JSON.stringify(s)}\n\n`);
      },
    });
    req.raw.on('close', () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
      streams.delete(res);
    });
  });

  await app.listen({ port: o.port, host: o.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return {
    url: `http://${o.host}:${port}/`,
    close: async () => {
      for (const res of streams) res.end();
      await app.close();
    },
  };
}
