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
  var ctx: any, active: number[] = [], iq: TableEvent[] = [], deferred: [(x: any) => void, any][] = [] /* [effect, its argument]: no closure per effect */, mailbox: TableEvent[] = [];
  var timers: Record<string, unknown> = {}, listeners: Record<string, ((e: any) => void)[]> = {}, observers: CompactObserver[] = [];
  var status: CompactSnapshot['status'] = 'active', error: unknown, phase = 0 /* new, running, stopped */, busy = false;
  for (i = 0; i < S.length; i++) ids[i] = S[i]![6] || (i ? ids[S[i]![1]] + '.' + S[i]![0] : table.id); // a state: [k, p, t, en, ex, on, id, af]

  function own(o: object | undefined, k: string): boolean { return !!o && {}.hasOwnProperty.call(o, k); }
  function below(n: number, d: number): boolean { // n strictly inside d; d < 0: everything
    if (d < 0) return true;
    while ((n = S[n]![1]) >= 0) if (n === d) return true;
    return false;
  }
  function kids(n: number): number[] { // active children, in activation order (XState's order of state value keys)
    return active.filter(function (s) { return S[s]![1] === n; });
  }
  function merge(a: any, b: any): any {
    var o: any = {}, k: string;
    for (k in a) if (own(a, k)) o[k] = a[k];
    for (k in b) if (own(b, k)) o[k] = b[k];
    return o;
  }
  function later(f: (x: any) => void, x: any): void { deferred.push([f, x]); }
  function call(fn: any, ev: TableEvent, p?: any): any { return typeof fn === 'function' ? fn({ context: ctx, event: ev }, p) : fn; }
  function pair(r: Ref): [number, any?] { return typeof r === 'number' ? [r] : r; } // [index, params]
  function run(list: Ref[] | 0 | undefined, ev: TableEvent): void {
    for (var i = 0; list && i < list.length; i++) {
      var q = pair(list[i]!), p = q[1], a: any = table.k[q[0]], fn = impl.actions[table.a[q[0]]!]!;
      var o = typeof a === 'object', k = o ? a[0] : a, e = o && a[1]; // k absent: assign
      if (!k) ctx = merge(ctx, call(fn, ev, p));
      else if (k === 'raise') iq.push(e || call(fn, ev, p));
      else if (k === 'emit') later(deliver, e || call(fn, ev, p));
      else if (phase === 1) call(fn, ev, p);
      else later(exec, [fn, ctx, ev, p]);
    }
  }
  function deliver(e: TableEvent): void {
    var hs = (own(listeners, e.type) ? listeners[e.type]! : []).concat(listeners['*'] || []);
    for (var i = 0; i < hs.length; i++) try { hs[i]!(e); } catch (err) { report(err); }
  }
  function report(err: unknown): void { if (typeof setTimeout === 'function') setTimeout(function () { throw err; }, 0); }
  function afterType(n: number, d: string): string { return 'xstate.after.' + (isNaN(+d) ? d : +d) + '.' + ids[n]; }
  function exec(x: any[]): void { x[0]({ context: x[1], event: x[2] }, x[3]); } // [fn, context, event, params], before start
  function cancel(type: string): void { var h = timers[type]; delete timers[type]; if (h !== undefined) clock.clearTimeout(h); }
  function schedule(x: [string, number]): void { timers[x[0]] = clock.setTimeout(function () { delete timers[x[0]]; send({ type: x[0] }); }, x[1]); } // [type, ms]
  function leave(n: number, ev: TableEvent): void {
    run(S[n]![4], ev);
    for (var d in S[n]![7]) later(cancel, afterType(n, d)); // the table's own objects: no inherited keys
  }
  function enter(n: number, ev: TableEvent): void {
    if (active.indexOf(n) < 0) active.push(n);
    run(S[n]![3], ev);
    for (var d in S[n]![7]) {
      var ms = call(isNaN(+d) ? impl.delays[d] : +d, ev);
      if (typeof ms === 'number') later(schedule, [afterType(n, d), ms]);
      else iq.push({ type: afterType(n, d) }); // as XState: a delay that is not a number raises at once
    }
  }
  function exitSet(t: TableTransition): number[] {
    return t[2] === undefined ? [] : active.filter(function (s) { return below(s, t[2]!); });
  }
  function unite(into: number[], more: number[] | undefined): boolean { // adds `more` to `into`; true if they met
    for (var met = false, i = 0; more && i < more.length; i++) if (into.indexOf(more[i]!) < 0) into.push(more[i]!); else met = true;
    return met;
  }
  function resolveConflicts(picks: Pick[]): Pick[] {
    for (var kept: Pick[] = [], i = 0; i < picks.length; i++) {
      for (var drop: Pick[] = [], preempted = false, j = 0; j < kept.length && !preempted; j++) {
        if (!unite(exitSet(picks[i]![1]), exitSet(kept[j]![1]))) continue;
        if (below(picks[i]![0], kept[j]![0])) drop.push(kept[j]!);
        else preempted = true;
      }
      if (!preempted) { kept = kept.filter(function (k) { return drop.indexOf(k) < 0; }); kept.push(picks[i]!); }
    }
    return kept;
  }
  function select(n: number, ev: TableEvent): Pick[] {
    var r: Pick[] = [], ch = kids(n), st = S[n]!, ts = (st[5] && st[5][table.e.indexOf(ev.type)]) || [], i; // -1: no key
    for (i = 0; i < ch.length; i++) r = r.concat(select(ch[i]!, ev));
    for (var d in st[7]) if (afterType(n, d) === ev.type) ts = st[7]![d]!;
    for (i = 0; !r.length && i < ts.length; i++) {
      var q: any = ts[i]![0] === -1 ? 0 : pair(ts[i]![0] as Ref);
      if (!q || call(impl.guards[table.g[q[0]]!], ev, q[1])) return [[n, ts[i]!]];
    }
    return r;
  }
  function up(a: number, b: number): number { return a - b; }
  function microstep(picks: Pick[], ev: TableEvent): void {
    if (!picks.length) return;
    picks = resolveConflicts(picks);
    var ex: number[] = [], en: number[] = [], i;
    for (i = 0; i < picks.length; i++) { unite(ex, exitSet(picks[i]![1])); unite(en, picks[i]![1][3]); }
    ex.sort(up);
    for (i = ex.length; i--;) { leave(ex[i]!, ev); active.splice(active.indexOf(ex[i]!), 1); } // reverse document order
    for (i = 0; i < picks.length; i++) run(picks[i]![1][1], ev);
    en.sort(up);
    for (i = 0; i < en.length; i++) enter(en[i]!, ev);
  }
  function macrostep(ev: TableEvent): void { // the event, then the events it raised, in order
    if (ev.type !== 'xstate.init') microstep(select(0, ev), ev);
    while (iq.length) microstep(select(0, (ev = iq.shift()!)), ev);
  }
  function value(n: number): StateValue {
    var ch = kids(n), v: Record<string, StateValue> = {};
    if (S[n]![2] === 1 && ch.length && !S[ch[0]!]![2]) return S[ch[0]!]![0]; // a compound's atomic child: its key
    for (var i = 0; i < ch.length; i++) v[S[ch[i]!]![0]] = value(ch[i]!);
    return v;
  }
  function snapshot(): CompactSnapshot { return { status: status, value: value(0), context: ctx, error: error }; }
  function halt(complete: boolean, err?: unknown): void {
    var obs = observers, handled = false;
    for (var k in timers) cancel(k);
    mailbox = [];
    deferred = [];
    phase = 2;
    observers = [];
    listeners = {};
    for (var i = 0; i < obs.length; i++) {
      if (complete && obs[i]!.complete) obs[i]!.complete!();
      if (!complete && obs[i]!.error) { handled = true; obs[i]!.error!(err); }
    }
    if (!complete && !handled) report(err);
  }
  function fail(err: unknown): void { status = 'error'; error = err; halt(false, err); }
  function update(): void { // the end of a macrostep: effects, observers
    while (deferred.length) try { var d = deferred.shift()!; d[0](d[1]); } catch (err) { deferred = []; status = 'error'; error = err; }
    if (status === 'error') return fail(error);
    // Copies by concat(), not slice(): a board bundle that calls .slice() and has typed arrays gets a
    // Uint8Array.prototype.slice polyfill (sim/build/polyfills), which nothing else here needs.
    for (var obs = observers.concat(), i = 0; i < obs.length; i++) if (obs[i]!.next) obs[i]!.next!(snapshot());
  }
  function process(ev: TableEvent): void {
    if (ev.type === 'xstate.stop') { status = 'stopped'; return halt(true); }
    var ctx0 = ctx, active0 = active.concat();
    iq = [];
    try { macrostep(ev); } catch (err) { ctx = ctx0; active = active0; return fail(err); }
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
    on: function (type, handler) { return add(own(listeners, type) ? listeners[type]! : (listeners[type] = []), handler); },
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
