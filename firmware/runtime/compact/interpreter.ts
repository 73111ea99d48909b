/**
 * The compact runtime: runs a `StateTable` (compile.ts) with the machine's own named actions, guards
 * and delays, with XState v5's semantics for the subset of firmware/machines/README.md ("Compact
 * runtime" there). ES5 style (var, functions, plain objects and arrays; no Map/Set/Symbol/spread/
 * classes/labelled break): a board gets it nearly as written.
 *
 * As XState: transitions are selected by a descent of the state value (a compound's own only when
 * its active child takes none, a parallel state's only when none of its regions takes one), the
 * first candidate whose guard passes; conflicting ones are removed (removeConflictingTransitions);
 * then exit in reverse document order (exit actions, `after` timers cancelled), transition actions,
 * entry in document order (entry actions, then `after` timers started with the delay read there).
 * Raised events go to an internal queue, drained before the next external event. Emitted events and
 * timer changes are deferred to the end of the macrostep; events sent meanwhile (by a listener, a
 * timer) wait in a mailbox. Final states and eventless transitions are outside the subset (compile.ts
 * rejects them).
 */
import type { CompactActor, CompactActorOptions, CompactImplementations, CompactObserver, CompactSnapshot, Ref, StateTable, StateValue, Subscription, TableEvent, TableTransition } from './table.ts';

export type { CompactActor, CompactActorOptions, CompactClock, CompactImplementations, CompactObserver, CompactSnapshot, ImplementationFn, StateValue, Subscription } from './table.ts';

/** A selected transition with its source state. */
type Pick = [number, TableTransition];

export function createCompactActor(table: StateTable, impl: CompactImplementations, options: CompactActorOptions): CompactActor {
  var S = table.s, ids: string[] = [], i: number;
  var clock = options.clock;
  var ctx: any, active: number[] = [], iq: TableEvent[] = [], deferred: [(x: any, y?: any) => void, any, any?][] = [] /* [effect, its arguments]: no closure per effect */, mailbox: TableEvent[] = [];
  var timers: Record<string, unknown> = {}, listeners: Record<string, ((e: any) => void)[]> = {}, observers: CompactObserver[] = [];
  var status: CompactSnapshot['status'] = 'active', error: unknown, phase = 0 /* new, running, stopped */, busy = false;
  for (i = 0; i < S.length; i++) ids[i] = S[i]![6] || (i ? ids[S[i]![1]] + '.' + S[i]![0] : table.id); // a state: [k, p, t, en, ex, on, id, af]

  function below(n: number, d: number): boolean { // n strictly inside d; d < 0: everything
    if (d < 0) return true;
    while ((n = S[n]![1]) >= 0) if (n === d) return true;
    return false;
  }
  // No recursion and no closure per call here or below: on Espruino a function created per call that
  // recurses 3 deep leaks its code variable (its lock count sticks at 15; docs/decisions.md), and a
  // minifier may turn any local function into one.
  // The active children of every state, in activation order (XState's order of state value keys):
  // gathered in one pass over `active` when first asked for, kept until `active` changes or the
  // macrostep ends (nothing is kept between events).
  var kidsOf: number[][] | 0 = 0;
  function kids(n: number): number[] | undefined {
    if (!kidsOf) for (var k: number[][] = (kidsOf = []), j = 0, p; j < active.length; j++) if ((p = S[active[j]!]![1]) >= 0) (k[p] || (k[p] = [])).push(active[j]!);
    return kidsOf[n];
  }
  var merge = options.merge || function (a: any, b: any): any {
    var o: any = {}, k: string, own = o.hasOwnProperty;
    for (k in a) if (own.call(a, k)) o[k] = a[k];
    for (k in b) if (own.call(b, k)) o[k] = b[k];
    return o;
  };
  // An assignment that changes nothing leaves the context as it is; the first that does in a
  // macrostep copies it, the later ones write that copy, which nobody outside has seen yet (it
  // goes out with the macrostep's snapshot; `mine` is cleared whenever the context may be seen).
  var mine = false;
  // The configuration likewise: copied before the macrostep's first change, so the one before it
  // is there to go back to if an action throws (most events change no state).
  var activeMine = false;
  function changeActive(): void { if (!activeMine) { active = active.concat(); activeMine = true; } }
  function assign(b: any): void {
    for (var k in b) if (b.hasOwnProperty(k)) {
      if (!mine) { ctx = merge(ctx, b); mine = true; return; }
      for (k in b) if (b.hasOwnProperty(k)) ctx[k] = b[k];
      return;
    }
  }
  function later(f: (x: any, y?: any) => void, x: any, y?: any): void { deferred.push([f, x, y]); }
  function call(fn: any, ev: TableEvent, p?: any): any { return typeof fn === 'function' ? fn({ context: ctx, event: ev }, p) : fn; }
  function index(r: Ref): number { return typeof r === 'number' ? r : r[0]; } // a ref: index, or [index, params]
  function params(r: Ref): any { return typeof r === 'number' ? undefined : r[1]; }
  function run(list: Ref[] | 0 | undefined, ev: TableEvent): void {
    for (var i = 0; list && i < list.length; i++) {
      var x = index(list[i]!), p = params(list[i]!), a: any = table.k[x], fn = impl.actions[table.a[x]!]!;
      var o = typeof a === 'object', k = o ? a[0] : a, e = o && a[1]; // k absent: assign
      if (!k) assign(call(fn, ev, p));
      else if (k === 'raise') iq.push(e || call(fn, ev, p));
      else if (k === 'emit') later(deliver, e || call(fn, ev, p));
      else if (phase === 1) call(fn, ev, p);
      else { later(fn, { context: ctx, event: ev }, p); mine = false; } // before start: runs at start, with this context
    }
  }
  function deliver(e: TableEvent): void {
    var hs = (listeners['$' + e.type] || []).concat(listeners['$*'] || []); // '$': no inherited key
    for (var i = 0; i < hs.length; i++) try { hs[i]!(e); } catch (err) { report(err); }
  }
  function report(err: unknown): void { if (typeof setTimeout === 'function') setTimeout(function () { throw err; }, 0); }
  function afterType(n: number, d: string): string { return 'xstate.after.' + (isNaN(+d) ? d : +d) + '.' + ids[n]; }
  function cancel(type: string): void { var h = timers[type]; delete timers[type]; if (h !== undefined) clock.clearTimeout(h); }
  function schedule(type: string, ms: number): void { timers[type] = clock.setTimeout(function () { delete timers[type]; send({ type: type }); }, ms); }
  function leave(n: number, ev: TableEvent): void {
    run(S[n]![4], ev);
    for (var d in S[n]![7]) later(cancel, afterType(n, d)); // the table's own objects: no inherited keys
  }
  function enter(n: number, ev: TableEvent): void {
    if (active.indexOf(n) < 0) { changeActive(); active.push(n); kidsOf = 0; }
    run(S[n]![3], ev);
    for (var d in S[n]![7]) {
      var ms = call(isNaN(+d) ? impl.delays[d] : +d, ev);
      if (typeof ms === 'number') later(schedule, afterType(n, d), ms);
      else iq.push({ type: afterType(n, d) }); // as XState: a delay that is not a number raises at once
    }
  }
  function exitSet(t: TableTransition): number[] {
    for (var r: number[] = [], i = 0; t[2] !== undefined && i < active.length; i++) if (below(active[i]!, t[2])) r.push(active[i]!);
    return r;
  }
  function unite(into: number[], more: number[] | undefined): boolean { // adds `more` to `into`; true if they met
    for (var met = false, i = 0; more && i < more.length; i++) if (into.indexOf(more[i]!) < 0) into.push(more[i]!); else met = true;
    return met;
  }
  function resolveConflicts(picks: Pick[]): Pick[] {
    // A pick whose exit set meets a kept one's replaces it if its source is deeper, else is dropped.
    for (var kept: Pick[] = [], i = 0; i < picks.length; i++) {
      for (var next: Pick[] | 0 = [], j = 0; next && j < kept.length; j++) {
        if (!unite(exitSet(picks[i]![1]), exitSet(kept[j]![1]))) next.push(kept[j]!);
        else if (!below(picks[i]![0], kept[j]![0])) next = 0; // preempted
      }
      if (next) { next.push(picks[i]!); kept = next; }
    }
    return kept;
  }
  function own(n: number, ev: TableEvent, e: number, timer: boolean): Pick | 0 { // n's first transition for ev (index e in table.e) whose guard passes
    var st = S[n]!, ts = st[5] && st[5][e], j; // -1: no key
    if (timer) for (var d in st[7]) if (afterType(n, d) === ev.type) ts = st[7]![d]!;
    for (j = 0; ts && j < ts.length; j++) {
      var g = ts[j]![0] as Ref | -1;
      if (g === -1 || call(impl.guards[table.g[index(g)]!], ev, params(g))) return [n, ts[j]!];
    }
    return 0;
  }
  function select(ev: TableEvent): Pick[] {
    // Children first, in activation order; a state's own transitions only when none of its active
    // children took one. A depth-first walk: states, the index of their next child, the picks of
    // their children so far (0: none).
    var top = 0, n, c, r: Pick[] | 0, p, e = table.e.indexOf(ev.type), timer = ev.type.indexOf('xstate.after.') === 0;
    var walkState: number[] = [0], walkNext: number[] = [0], walkPicks: (Pick[] | 0)[] = [0];
    for (;;) {
      n = walkState[top]!;
      c = kids(n);
      if (c && walkNext[top]! < c.length) { n = c[walkNext[top]!++]!; walkState[++top] = n; walkNext[top] = 0; walkPicks[top] = 0; continue; }
      r = walkPicks[top] || ((p = own(n, ev, e, timer)) ? [p] : 0);
      if (!top) return r || [];
      top--;
      if (r) walkPicks[top] = walkPicks[top] ? (walkPicks[top] as Pick[]).concat(r) : r;
    }
  }
  function up(a: number, b: number): number { return a - b; }
  function microstep(picks: Pick[], ev: TableEvent): void {
    picks = resolveConflicts(picks);
    var ex: number[] = [], en: number[] = [], i;
    for (i = 0; i < picks.length; i++) { unite(ex, exitSet(picks[i]![1])); unite(en, picks[i]![1][3]); }
    ex.sort(up);
    for (i = ex.length; i--;) { leave(ex[i]!, ev); changeActive(); active.splice(active.indexOf(ex[i]!), 1); kidsOf = 0; } // reverse document order
    for (i = 0; i < picks.length; i++) run(picks[i]![1][1], ev);
    en.sort(up);
    for (i = 0; i < en.length; i++) enter(en[i]!, ev);
  }
  function macrostep(ev: TableEvent): void { // the event, then the events it raised, in order (iq is empty but at init)
    if (ev.type !== 'xstate.init') iq.unshift(ev);
    while (iq.length) microstep(select((ev = iq.shift()!)), ev);
  }
  function value(): StateValue { // filled top down: [state, the object its value goes in, under which key]
    var out: any = {}, todo: [number, any, string][] = [[0, out, 'v']], t, ch, v: any, i;
    while ((t = todo.pop())) {
      ch = kids(t[0]) || [];
      if (S[t[0]]![2] === 1 && ch.length && !S[ch[0]!]![2]) { t[1][t[2]] = S[ch[0]!]![0]; continue; } // a compound's atomic child: its key
      v = t[1][t[2]] = {};
      for (i = 0; i < ch.length; i++) { v[S[ch[i]!]![0]] = 0; todo.push([ch[i]!, v, S[ch[i]!]![0]]); } // keys in activation order
    }
    return out.v;
  }
  function snapshot(): CompactSnapshot { var v = value(); kidsOf = 0; mine = false; return { status: status, value: v, context: ctx, error: error }; }
  function halt(complete: boolean, err?: unknown): void {
    var obs = observers, handled = false;
    for (var k in timers) cancel(k);
    mailbox = [];
    deferred = [];
    phase = 2;
    observers = [];
    listeners = {};
    for (var i = 0; i < obs.length; i++) {
      var f = obs[i]![complete ? 'complete' : 'error'];
      if (f) { handled = true; f.call(obs[i], err); }
    }
    if (!handled && !complete) report(err);
  }
  function fail(err: unknown): void { status = 'error'; error = err; halt(false, err); }
  function update(): void { // the end of a macrostep: effects, observers
    while (deferred.length) try { var d = deferred.shift()!; d[0](d[1], d[2]); } catch (err) { fail(err); } // halt empties deferred
    if (status === 'error') return;
    // Copies by concat(), not slice(): a board bundle that calls .slice() and has typed arrays gets a
    // Uint8Array.prototype.slice polyfill (boards/bundler/polyfills), which nothing else here needs.
    for (var obs = observers.concat(), i = 0; i < obs.length; i++) if (obs[i]!.next) obs[i]!.next!(snapshot());
  }
  function process(ev: TableEvent): void {
    if (ev.type === 'xstate.stop') { status = 'stopped'; return halt(true); }
    var ctx0 = ctx, active0 = active;
    iq = [];
    mine = false;
    activeMine = false;
    try { macrostep(ev); } catch (err) { ctx = ctx0; active = active0; kidsOf = 0; mine = false; return fail(err); }
    kidsOf = 0;
    mine = false;
    update();
  }
  function drain(): void {
    for (busy = true; phase === 1 && mailbox.length;) process(mailbox.shift()!);
    busy = false;
  }
  function add(list: any[], x: any): Subscription {
    if (list.indexOf(x) < 0) list.push(x);
    return { unsubscribe: function () { var j = list.indexOf(x); if (j >= 0) list.splice(j, 1); } };
  }
  function send(ev: TableEvent): void {
    if (phase === 2) return;
    mailbox.push(ev);
    if (phase === 1 && !busy) drain();
  }

  try { // the initial state, as XState computes it when the actor is created (effects wait for start)
    var init: TableEvent = { type: 'xstate.init', input: options.input };
    var cf = options.context !== undefined ? options.context : impl.context;
    ctx = typeof cf === 'function' ? merge({}, cf({ input: options.input })) : cf || {};
    microstep([[0, [-1, 0, undefined, table.i]]], init);
    macrostep(init);
    mine = false;
  } catch (err) { status = 'error'; error = err; deferred = []; }

  var actor: CompactActor = {
    start: function () {
      if (phase !== 0) return actor;
      phase = 1;
      if (status === 'error') fail(error);
      else update();
      if (!busy) drain();
      return actor;
    },
    send: send,
    getSnapshot: snapshot,
    on: function (type, handler) { return add(listeners['$' + type] || (listeners['$' + type] = []), handler); },
    subscribe: function (o) { return add(observers, typeof o === 'function' ? { next: o } : o); },
    stop: function () {
      if (phase === 0) phase = 2;
      if (phase === 2) return actor;
      mailbox = [{ type: 'xstate.stop' }];
      if (!busy) drain();
      return actor;
    },
  };
  return actor;
}
