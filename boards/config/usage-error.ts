/**
 * A mistake in how the CLI was called or what it was given: one line on stderr, exit status 2.
 * It lives below the board tooling that throws it for a bad board.json, device config file or
 * build request, so boards/ need not import cli/; cli/usage.ts re-exports it.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** Main ends the line with "(see hanlab CMD --help)": the mistake is in the command line itself. */
  readonly seeHelp: boolean;
  constructor(message: string, options?: { seeHelp?: boolean }) {
    super(message);
    this.seeHelp = options?.seeHelp === true;
  }
}
