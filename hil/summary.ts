/** The readable report: one line per case, then each failure with its step, message and screen. */
import { describeScreen } from './expect.ts';
import type { CaseResult, SuiteResult } from './types.ts';

const MARK = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;

export function caseLine(c: CaseResult): string {
  return `  ${MARK[c.status]}  ${c.name}  (${(c.ms / 1000).toFixed(1)} s)${c.status === 'skipped' ? ` — ${c.message}` : ''}`;
}

export function formatSummary(r: SuiteResult): string {
  const lines = [`hanlab hil: ${r.suite} against ${r.target} (DUT ${r.dutEui})`, ...r.cases.map(caseLine)];
  for (const c of r.cases.filter((x) => x.status === 'failed')) {
    lines.push('', `  ✗ ${c.name}`, `    step:     ${c.failedStep ?? '?'}`, `    ${c.message ?? ''}`);
    if (c.screen !== undefined) lines.push(`    screen:   ${describeScreen(c.screen ?? null)}`);
    if (c.png) lines.push(`    png:      ${c.png}`);
  }
  const n = (st: string) => r.cases.filter((c) => c.status === st).length;
  lines.push('', `${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped; wall time ${(r.ms / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
