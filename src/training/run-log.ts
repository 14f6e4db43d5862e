import { appendFileSync } from 'node:fs';
import type { MetricsRecord } from './metrics-file.js';

/**
 * A run's train.log: one time-stamped line per event. What happens before the
 * log can be written (before the run directory exists, while a warm start
 * clones, while the run starts over and removes an attempt's train.log) is
 * held, stamped when it happened, and written once the directory is ready.
 * Notices (what the run decided on its own: a stale lock taken over, a damaged
 * checkpoint skipped, a start over) also go to whoever asked to hear them.
 */
export class RunLog {
  private held: string[] | null = [];

  constructor(
    readonly path: string,
    private readonly onNotice?: (line: string) => void,
  ) {}

  readonly line = (text: string): void => {
    const stamped = `${new Date().toISOString()} ${text}\n`;
    if (this.held !== null) this.held.push(stamped);
    else appendFileSync(this.path, stamped);
  };

  readonly notice = (text: string): void => {
    this.line(text);
    this.onNotice?.(text);
  };

  /** The run directory is ready: what was held is written, and every line from now on. */
  open(): void {
    const held = this.held;
    this.held = null;
    if (held !== null && held.length > 0) appendFileSync(this.path, held.join(''));
  }
}

/** One readable line per update for train.log. */
export function summaryLine(m: MetricsRecord, total: number): string {
  const f = (key: string, digits: number): string => (Number.isFinite(m[key]) ? m[key].toFixed(digits) : '-');
  // Only the cluster has a latency to show.
  const p99 = Number.isFinite(m['episode/e2eP99']) ? ` episode p99 ${f('episode/e2eP99', 2)}s` : '';
  return `update ${m.update}/${total} decisions ${m.envSteps} reward/decision ${f('reward/perDecision', 3)}${p99} KL ${f('policy/approxKl', 4)} entropy ${f('policy/entropy', 3)} ${f('time/rolloutSeconds', 2)}+${f('time/updateSeconds', 2)}s`;
}
