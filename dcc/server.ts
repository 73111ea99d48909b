/**
 * The Self-Service Interface's coverage checker (DP146) as a web page with a JSON API behind it,
 * on fastify.
 */
import Fastify from 'fastify';
import { coverage, PostcodeError } from './coverage.ts';
import { isoDate, parseIsoDate, todayDay } from './dates.ts';

export interface ServerOptions {
  port: number;
  host: string;
  seed: number;
  /** Answer as of this day (YYYY-MM-DD) unless a request names one; default each request's today. */
  at?: string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export const PAGE = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SM WAN coverage checker</title>
<style>
  body { font: 16px/1.45 system-ui, sans-serif; margin: 0; background: #f3f5f7; color: #1b1f24; }
  main { max-width: 34rem; margin: 2.5rem auto; background: #fff; padding: 1.5rem 2rem 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
  p.lead { margin: 0 0 1.25rem; color: #4a5560; }
  label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
  input { font: inherit; padding: .45rem .6rem; border: 1px solid #8a96a3; border-radius: 4px; width: 12rem; }
  button { font: inherit; margin-top: 1rem; padding: .5rem 1.2rem; border: 0; border-radius: 4px; background: #0b5cad; color: #fff; cursor: pointer; }
  #answer { margin-top: 1.5rem; padding: 1rem; border-radius: 6px; border-left: 6px solid; display: none; }
  #answer.A { display: block; background: #e8f6ec; border-color: #1e8e3e; }
  #answer.B { display: block; background: #fff6e0; border-color: #c77c00; }
  #answer.C { display: block; background: #eef0f2; border-color: #5f6b76; }
  #answer.error { display: block; background: #fdecea; border-color: #c5221f; }
  #answer strong { display: block; font-size: 1.1rem; margin-bottom: .2rem; }
  small { color: #5f6b76; }
</style>
</head>
<body>
<main>
  <h1>SM WAN coverage checker</h1>
  <p class="lead">Will a communications hub installed at this address connect to the smart metering WAN?</p>
  <form id="form">
    <label for="postcode">Postcode or outcode</label>
    <input id="postcode" name="postcode" autocomplete="postal-code" placeholder="e.g. SW1A 1AA">
    <label for="at">On date <small>(optional)</small></label>
    <input id="at" name="at" type="date">
    <br><button id="check" type="submit">Check coverage</button>
  </form>
  <div id="answer" role="status" aria-live="polite"></div>
</main>
<script>
  const form = document.getElementById('form');
  const box = document.getElementById('answer');
  const LABEL = { A: '(A) Expected to connect', B: '(B) Expected to connect from a date', C: '(C) Cannot be confirmed' };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = new URLSearchParams({ postcode: document.getElementById('postcode').value });
    const at = document.getElementById('at').value;
    if (at) q.set('at', at);
    box.className = '';
    box.textContent = '';
    let body;
    try {
      const res = await fetch('/api/coverage?' + q);
      body = await res.json();
    } catch (err) {
      body = { error: 'The coverage service did not answer: ' + err.message };
    }
    const title = document.createElement('strong');
    const text = document.createElement('span');
    if (body.error) {
      box.className = 'error';
      title.textContent = 'Please check the postcode';
      text.textContent = body.error;
    } else {
      box.className = body.answer;
      title.textContent = body.postcode + ': ' + LABEL[body.answer];
      text.textContent = body.text + ' (as of ' + body.at + ')';
    }
    box.append(title, text);
    box.dataset.answer = body.answer || 'error';
  });
</script>
</body>
</html>
`;

export function buildApp(opts: Omit<ServerOptions, 'port' | 'host'>) {
  const app = Fastify({ logger: false });
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get<{ Querystring: { postcode?: string; at?: string } }>('/api/coverage', async (req, reply) => {
    const postcode = req.query.postcode ?? '';
    const at = req.query.at || opts.at || isoDate(todayDay());
    if (parseIsoDate(at) === undefined) return reply.code(400).send({ error: `date ${JSON.stringify(at)}: expected a real date as YYYY-MM-DD` });
    try {
      return coverage(opts.seed, postcode, at);
    } catch (err) {
      if (err instanceof PostcodeError) return reply.code(400).send({ error: err.message });
      throw err;
    }
  });
  return app;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const app = buildApp(opts);
  await app.listen({ port: opts.port, host: opts.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { url: `http://${host}:${port}/`, close: () => app.close() };
}
