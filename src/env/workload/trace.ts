import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';

/**
 * A request trace: arrival times (seconds from the first request) and token
 * lengths, in arrival order. Traces are cached and shared between runs: read only.
 */
export interface Trace {
  readonly file: string;
  readonly arrivals: Float64Array;
  readonly promptTokens: Int32Array;
  readonly outputTokens: Int32Array;
}

/** The column names of the two trace formats we read. */
const FORMATS = [
  { name: 'Azure', time: 'TIMESTAMP', prompt: 'ContextTokens', output: 'GeneratedTokens', parseTime: parseAzureTimestamp },
  { name: 'Vidur', time: 'arrived_at', prompt: 'num_prefill_tokens', output: 'num_decode_tokens', parseTime: parseSeconds },
] as const;

const cache = new Map<string, Trace>();

/**
 * Reads a trace CSV with Azure (`TIMESTAMP,ContextTokens,GeneratedTokens`) or
 * Vidur (`arrived_at,num_prefill_tokens,num_decode_tokens`) columns. Times are
 * re-based so the first request arrives at 0. Parsed traces are cached per path.
 */
export function loadTrace(file: string): Trace {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`cannot read trace file ${file}: no such file or not readable`);
  }
  const trace = parseTrace(file, text);
  cache.set(file, trace);
  return trace;
}

export function parseTrace(file: string, text: string): Trace {
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const format = FORMATS.find((f) => [f.time, f.prompt, f.output].every((c) => header.includes(c)));
  if (format === undefined) {
    throw new InputError(
      `trace file ${file} has columns "${header.join(',')}"; expected Azure columns TIMESTAMP,ContextTokens,GeneratedTokens or Vidur columns arrived_at,num_prefill_tokens,num_decode_tokens`,
    );
  }
  const [ti, pi, oi] = [format.time, format.prompt, format.output].map((c) => header.indexOf(c));
  const rows: { t: number; p: number; o: number }[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const t = format.parseTime(cells[ti]?.trim() ?? '');
    const p = parseCount(cells[pi]);
    const o = parseCount(cells[oi]);
    if (!Number.isFinite(t)) throw new InputError(`trace file ${file} line ${n + 1}: cannot read the time "${cells[ti] ?? ''}"`);
    if (p < 1 || o < 1) {
      throw new InputError(`trace file ${file} line ${n + 1}: token counts must be positive integers, got "${cells[pi] ?? ''}" and "${cells[oi] ?? ''}"`);
    }
    rows.push({ t, p, o });
  }
  if (rows.length === 0) throw new InputError(`trace file ${file} has no requests`);
  rows.sort((a, b) => a.t - b.t); // stable: ties keep file order
  const t0 = rows[0].t;
  return {
    file,
    arrivals: Float64Array.from(rows, (r) => r.t - t0),
    promptTokens: Int32Array.from(rows, (r) => r.p),
    outputTokens: Int32Array.from(rows, (r) => r.o),
  };
}

/** "2023-11-16 18:15:46.6805900" to seconds since the epoch (UTC; only differences matter); NaN if malformed. */
function parseAzureTimestamp(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(s);
  if (m === null) return NaN;
  const [year, month, day, hour, minute, second] = [+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  // Date.UTC rolls impossible dates over (Feb 30 becomes Mar 2); a trace must not.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return NaN;
  return ms / 1000 + (m[7] === undefined ? 0 : Number(m[7]));
}

/** A plain decimal number of seconds; NaN for blanks and anything else. */
function parseSeconds(s: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
}

/** A token count written as plain digits; 0 (rejected by the caller) otherwise. */
function parseCount(cell: string | undefined): number {
  const s = cell?.trim() ?? '';
  return /^\d+$/.test(s) ? Number(s) : 0;
}
