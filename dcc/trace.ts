/** DCC_TRACE=1 prints how long each step of a bulk operation took (stderr). */
export function trace(what: string): (step: string) => void {
  if (!process.env.DCC_TRACE) return () => {};
  let t = performance.now();
  return (step) => {
    const now = performance.now();
    process.stderr.write(`[${what}] ${step}: ${((now - t) / 1000).toFixed(2)} s\n`);
    t = now;
  };
}
