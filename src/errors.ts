/**
 * A mistake in what the user gave us (a scenario field, a flag, a file). The CLI
 * prints its message, one sentence naming what was wrong, and exits non-zero
 * without a stack trace. Anything else that is thrown is a bug.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
}
