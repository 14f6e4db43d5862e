import type { CliIo } from './io.js';

/**
 * Progress for long work, on stderr: redrawn in place on a terminal, one line
 * per step otherwise (so logs show it without carriage-return noise).
 */
export class Progress {
  private drawn = false;

  constructor(
    private readonly io: CliIo,
    private readonly quiet = false,
  ) {}

  update(text: string): void {
    if (this.quiet) return;
    if (this.io.interactive) {
      this.io.stderr(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.io.stderr(`${text}\n`);
    }
  }

  done(): void {
    if (this.drawn) this.io.stderr('\r\x1b[2K');
    this.drawn = false;
  }
}
