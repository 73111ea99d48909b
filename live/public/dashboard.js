// The dashboard page: keeps every item the server streams (server-sent events), and draws the
// state of the run at the scrubber's virtual time: each home's screen (a PNG the server drew
// with the firmware's own renderer), its freshness and warnings, the chart of credit shown vs
// true credit (uPlot), the HAN frames and the supplier's reads. No build step: plain script.
'use strict';

const $ = (id) => document.getElementById(id);
const homes = new Map(); // label -> { screens, han, wan, faults, metrics, notes }
const order = []; // home labels in the order first seen ('scenario' first)
let status = null;
let received = 0;
let latestMs = 0; // the latest item's time: a paced run's items run ahead of its progress reports
let selected = null;
let chart = null;
let chartHome = null;
let drawQueued = false;

const FRESHNESS = { fresh: 'Fresh', late: 'Late', stale: 'Stale', unknown: 'Time unknown', clockProblem: 'Clock problem', hanLost: 'HAN lost', noData: 'No data' };
const MINUTE = { ok: 'display honest', falseAlarm: 'false alarm', creditMisleading: 'MISLEADING (credit)', supplyMisleading: 'MISLEADING (supply)', creditAndSupplyMisleading: 'MISLEADING (credit and supply)' };
/** HAN frames listed: the latest before the time shown (a home sends about six a minute). */
const FRAMES_SHOWN = 18;
const pounds = (v) => (typeof v === 'number' ? '£' + v.toFixed(2) : '—');

/** "2026-01-15 18:29 GMT": UK civil time with its zone, as the terminal prints it. */
const ukParts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
function ukTime(ms) {
  const p = Object.fromEntries(ukParts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName === 'GMT+1' ? 'BST' : p.timeZoneName}`;
}

/** An axis tick in UK time: the hour, with the date under it at midnight. */
function axisTime(s) {
  const t = ukTime(s * 1000);
  return t.slice(11, 16) === '00:00' ? `00:00\n${t.slice(0, 10)}` : t.slice(11, 16);
}

function home(label) {
  let h = homes.get(label);
  if (!h) {
    h = { screens: [], han: [], wan: [], faults: [], metrics: [], notes: [] };
    homes.set(label, h);
    order.push(label);
    document.querySelector('main').classList.toggle('many', order.length > 1);
    if (selected === null) selected = label;
  }
  return h;
}

function add(items) {
  for (const it of items) {
    const h = home(it.home);
    if (it.ms > latestMs) latestMs = it.ms;
    if (it.k === 'screen') h.screens.push(it);
    else if (it.k === 'han') h.han.push(it);
    else if (it.k === 'wan') h.wan.push(it);
    else if (it.k === 'fault') h.faults.push(it);
    else if (it.k === 'metric') h.metrics.push(it);
    else h.notes.push(it);
  }
  received += items.length;
  if (status) $('scrub').max = String(Math.max(status.atMs, latestMs));
}

/** Index just past the last item at or before `ms` (items of a home are in time order). */
function upTo(list, ms) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].ms <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The virtual time shown: the run's latest while following, else the scrubber's. */
function shownTime() {
  const scrub = $('scrub');
  if ($('follow').checked) scrub.value = scrub.max;
  return Number(scrub.value);
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c);
  return e;
}

function drawHomes(t) {
  const box = $('homes');
  for (const label of order) {
    const h = homes.get(label);
    let card = box.querySelector(`.home[data-home="${CSS.escape(label)}"]`);
    if (!card) {
      card = el('article', { class: 'home', 'data-home': label });
      card.addEventListener('click', () => {
        selected = label;
        queueDraw();
      });
      box.append(card);
    }
    card.classList.toggle('selected', label === selected);
    const s = h.screens[upTo(h.screens, t) - 1];
    const m = h.metrics[upTo(h.metrics, t) - 1];
    const key = s ? `${s.img}|${s.ms}|${m ? m.minute : ''}` : 'none';
    if (card.dataset.key === key) continue;
    card.dataset.key = key;
    card.replaceChildren(el('h3', {}, `${label}`));
    if (!s) {
      card.append(el('p', {}, 'No screen yet'));
      continue;
    }
    card.append(
      el('img', { class: 'screen', src: `/screen/${s.img}.png`, alt: s.lines.join(' / ') }),
      el('div', { class: 'fresh-badge', 'data-freshness': s.freshness }, FRESHNESS[s.freshness] || s.freshness),
      el('ul', { class: 'warnings' }, ...s.warnings.map((w) => el('li', { 'data-code': w.code }, w.text))),
      el('div', { class: 'credit' }, `shows ${pounds(s.credit)} · true credit then ${pounds(s.trueCredit)} · drawn ${s.uk}`),
    );
    if (m) card.append(el('div', { class: 'verdict', 'data-minute': m.minute }, `metric: ${MINUTE[m.minute] || m.minute}`));
  }
}

/** Time spans [from, to] in seconds: outages and power cuts, misleading and false-alarm minutes. */
function spans(h, endMs) {
  const out = { outage: [], misleading: [], alarm: [] };
  const open = new Map();
  for (const f of h.faults) {
    if (f.phase === 'start' || f.phase === 'off') open.set(f.key, f.ms);
    else if ((f.phase === 'end' || f.phase === 'on') && open.has(f.key)) {
      out.outage.push([open.get(f.key) / 1000, f.ms / 1000]);
      open.delete(f.key);
    }
  }
  for (const from of open.values()) out.outage.push([from / 1000, endMs / 1000]);
  h.metrics.forEach((m, i) => {
    if (m.minute === 'ok') return;
    const to = (h.metrics[i + 1] ? h.metrics[i + 1].ms : endMs) / 1000;
    (m.minute === 'falseAlarm' ? out.alarm : out.misleading).push([m.ms / 1000, to]);
  });
  return out;
}

function bandsPlugin() {
  const fill = (u, list, colour, top, height) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = colour;
    for (const [a, b] of list) {
      const x0 = u.valToPos(a, 'x', true);
      const x1 = u.valToPos(b, 'x', true);
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    }
    ctx.restore();
  };
  return {
    hooks: {
      drawClear: [
        (u) => {
          const { left, top, width, height } = u.bbox;
          if (!u.hanlabSpans) return;
          ctx_clip(u, left, top, width, height, () => {
            fill(u, u.hanlabSpans.outage, '#9aa5b133', top, height);
            fill(u, u.hanlabSpans.misleading, '#d9302566', top + height - height / 8, height / 8);
            fill(u, u.hanlabSpans.alarm, '#e0a80066', top + height - height / 8, height / 8);
          });
        },
      ],
      draw: [
        (u) => {
          if (u.hanlabCursor === undefined) return;
          const x = u.valToPos(u.hanlabCursor, 'x', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = '#0b5cad';
          ctx.lineWidth = 2;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.restore();
        },
      ],
    },
  };
}

function ctx_clip(u, left, top, width, height, draw) {
  u.ctx.save();
  u.ctx.beginPath();
  u.ctx.rect(left, top, width, height);
  u.ctx.clip();
  draw();
  u.ctx.restore();
}

function drawChart(t) {
  const h = homes.get(selected);
  if (!h || !status) return;
  const xs = [];
  const shown = [];
  const truth = [];
  for (const s of h.screens) {
    xs.push(s.ms / 1000);
    shown.push(s.credit);
    truth.push(s.trueCredit);
  }
  // A display draws again only when its screen changes (a legacy one shows no age): its last
  // screen stays up until now, the true credit at that time is not in the timeline.
  const now = Math.min(Math.max(status.atMs, latestMs), status.endMs) / 1000;
  const last = h.screens[h.screens.length - 1];
  if (last && last.ms / 1000 < now) {
    xs.push(now);
    shown.push(last.credit);
    truth.push(null);
  }
  const data = [xs, shown, truth];
  if (!chart || chartHome !== selected) {
    chart?.destroy();
    chartHome = selected;
    const width = Math.max(320, $('chart').clientWidth || 900);
    chart = new uPlot(
      {
        width,
        height: 260,
        padding: [8, 44, 0, 0], // room for the last tick's date
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Europe/London'),
        scales: { x: { time: true, range: () => [status.startMs / 1000, status.endMs / 1000] } },
        series: [
          { label: 'time (UK)' },
          { label: 'credit shown', stroke: '#0b5cad', width: 2, paths: uPlot.paths.stepped({ align: 1 }), value: (u, v) => pounds(v) },
          { label: 'true credit', stroke: '#d93025', width: 1.5, dash: [6, 4], value: (u, v) => pounds(v) },
        ],
        axes: [{ values: (u, splits) => splits.map(axisTime) }, { label: '£', values: (u, vals) => vals.map((v) => '£' + v.toFixed(2)) }],
        plugins: [bandsPlugin()],
      },
      data,
      $('chart'),
    );
    window.hanlabChart = chart;
  } else {
    chart.setData(data);
  }
  chart.hanlabSpans = spans(h, Math.min(Math.max(status.atMs, latestMs), status.endMs));
  chart.hanlabCursor = t / 1000;
  chart.redraw(false);
  $('chart-home').textContent = `(${selected})`;
}

function drawTables(t) {
  const h = homes.get(selected);
  if (!h) return;
  const han = h.han.slice(Math.max(0, upTo(h.han, t) - FRAMES_SHOWN), upTo(h.han, t)).reverse();
  $('frames').tBodies[0].replaceChildren(
    ...han.map((f) => el('tr', { class: f.lost ? 'lost' : '' }, el('td', {}, f.uk), el('td', {}, `${f.from} → ${f.to}`), el('td', {}, f.cluster), el('td', { class: 'frame' }, f.command + (f.lost ? ' (lost)' : '')), el('td', {}, String(f.bytes)))),
  );
  const wan = h.wan.slice(0, upTo(h.wan, t)).reverse();
  $('wan').tBodies[0].replaceChildren(...wan.map((w) => el('tr', { 'data-direction': w.direction }, el('td', {}, w.uk), el('td', {}, w.useCase), el('td', { class: 'verdict' }, w.text))));
  const events = [...h.faults, ...h.metrics, ...h.notes].filter((e) => e.ms <= t).sort((a, b) => a.ms - b.ms).slice(-20).reverse();
  $('events').replaceChildren(...events.map((e) => el('li', { 'data-kind': e.k }, `${e.uk}  ${e.text}`)));
}

function drawStatus(t) {
  if (!status) return;
  const pace = status.mode === 'recorded' ? 'recorded run' : status.speed === null ? 'live, full speed' : `live at ${status.speed}× wall-clock speed`;
  const state = status.done ? 'run over' : 'running';
  $('status').textContent = `${status.scenario}, seed ${status.seed} · ${pace} · ${state} · reached ${ukTime(Math.max(status.atMs, latestMs))}`;
  $('status').dataset.done = String(status.done);
  $('scrub-time').textContent = ukTime(t);
  if (status.done && status.homes && !$('summary').dataset.drawn) {
    $('summary').dataset.drawn = 'yes';
    const head = el('tr', {}, ...['home', 'GSME', 'GPF', 'PPMID', 'credit-misl', 'supply-misl', 'false-alarm', 'stale min'].map((c) => el('th', {}, c)));
    const rows = status.homes.map((x) =>
      el('tr', {}, ...[x.label, x.firmware.gsme, x.firmware.gpf, x.firmware.ppmid, x.metrics.creditMisleadingMinutes, x.metrics.supplyMisleadingMinutes, x.metrics.falseAlarmMinutes, x.metrics.shownMinutes.stale].map((c) => el('td', {}, String(c)))),
    );
    $('summary').replaceChildren(el('h2', {}, 'Summary (minutes)'), el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
  }
}

function draw() {
  drawQueued = false;
  const t = shownTime();
  drawStatus(t);
  drawHomes(t);
  drawChart(t);
  drawTables(t);
}

function queueDraw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(draw);
}

function setStatus(s) {
  status = s;
  const scrub = $('scrub');
  scrub.min = String(s.startMs);
  scrub.max = String(Math.max(s.atMs, latestMs));
}

$('scrub').addEventListener('input', () => {
  $('follow').checked = $('scrub').value === $('scrub').max;
  queueDraw();
});
$('follow').addEventListener('change', queueDraw);

/** The stream: everything from the start, then what comes; a dropped one resumes where it was. */
function connect() {
  const source = new EventSource(`/events?from=${received}`);
  source.onmessage = (m) => {
    add(JSON.parse(m.data));
    queueDraw();
  };
  source.addEventListener('status', (m) => {
    setStatus(JSON.parse(m.data));
    queueDraw();
  });
  source.onerror = () => {
    source.close();
    if (!status || !status.done) setTimeout(connect, 1000);
    else $('status').textContent += ' · server gone';
  };
}
connect();
