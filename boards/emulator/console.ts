/**
 * QuickJS as embedded here has no `console`, and XState reads `console.log` when its module loads
 * (its default logger). A board gives its runtime the globals the code expects: this one sends
 * console output to the host's log. Imported first by main.ts, so it exists before any module
 * that looks for it.
 */
import type { EmulatorHost } from './bridge.ts';

const g = globalThis as unknown as { __host: EmulatorHost; console?: unknown };

function line(args: unknown[]): string {
  const parts: string[] = [];
  for (let i = 0; i < args.length; i++) parts.push(typeof args[i] === 'string' ? (args[i] as string) : JSON.stringify(args[i]));
  return parts.join(' ');
}

if (g.console === undefined) {
  const info = (...args: unknown[]) => g.__host.log('info', line(args), '');
  const warn = (...args: unknown[]) => g.__host.log('warn', line(args), '');
  g.console = { log: info, info: info, debug: info, warn: warn, error: warn };
}
