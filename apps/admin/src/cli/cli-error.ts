/**
 * A failure the operator reads: one line on stderr, then a non-zero exit. The message is the
 * whole line (Label Studio's own wording where it has one, `error: …` otherwise); never a stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** What main prints for anything a command throws; a stack trace never reaches the operator. */
export function failureLine(error: unknown): { line: string; exitCode: number } {
  if (error instanceof CliError) return { line: error.message, exitCode: error.exitCode };
  const message = error instanceof Error ? error.message : String(error);
  return { line: `error: ${firstLine(message) || 'unexpected failure'}`, exitCode: 1 };
}

const firstLine = (text: string): string => text.split('\n')[0].trim();
