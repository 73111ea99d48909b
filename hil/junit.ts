/** JUnit XML for CI: one <testsuite> per suite run, one <testcase> per case. */
import type { SuiteResult } from './types.ts';

export function escapeXml(s: string): string {
  // XML 1.0 cannot carry most control characters even escaped: they are dropped.
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export function junitXml(results: readonly SuiteResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = results.flatMap((r) => r.cases);
  const count = (st: string) => all.filter((c) => c.status === st).length;
  out.push(`<testsuites name="hanlab hil" tests="${all.length}" failures="${count('failed')}" skipped="${count('skipped')}" time="${(results.reduce((a, r) => a + r.ms, 0) / 1000).toFixed(3)}">`);
  for (const r of results) {
    const n = (st: string) => r.cases.filter((c) => c.status === st).length;
    out.push(`  <testsuite name="${escapeXml(r.suite)}" hostname="${escapeXml(r.target)}" tests="${r.cases.length}" failures="${n('failed')}" errors="0" skipped="${n('skipped')}" time="${(r.ms / 1000).toFixed(3)}">`);
    out.push(`    <properties><property name="target" value="${escapeXml(r.target)}"/><property name="dut" value="${escapeXml(r.dutEui)}"/></properties>`);
    for (const c of r.cases) {
      const open = `    <testcase classname="${escapeXml(`${r.suite}.${r.target}`)}" name="${escapeXml(c.name)}" time="${(c.ms / 1000).toFixed(3)}"`;
      if (c.status === 'passed') {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (c.status === 'skipped') out.push(`      <skipped message="${escapeXml(c.message ?? '')}"/>`);
      else {
        const detail = [`step: ${c.failedStep ?? '?'}`, c.message ?? '', c.screen ? `last screen model: ${JSON.stringify(c.screen)}` : '', c.png ? `screen PNG: ${c.png}` : ''].filter((x) => x !== '').join('\n');
        out.push(`      <failure message="${escapeXml(c.message ?? 'failed')}" type="HilFailure">${escapeXml(detail)}</failure>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
