/**
 * A mistake in what the user gave us (a scenario field, a flag, a file). The CLI
 * prints its message, one sentence naming what was wrong, and exits non-zero
 * without a stack trace. Anything else that is thrown is a bug.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * A command that ran and printed its result, but whose result is a failure
 * (e.g. `replay --verify` found a divergence): the CLI exits with `code` and
 * prints nothing more.
 */
export class FailedResult extends Error {
  override readonly name = 'FailedResult';
  constructor(readonly code = 1) {
    super(`the command's result is a failure (exit code ${code})`);
  }
}
