import { InputError } from '../../errors.js';
import { MAX_REQUESTS, MAX_TOKENS, MAX_TRACE_BYTES } from '../../scenario/limits.js';
import { readRegularFile } from '../../scenario/read-file.js';

/**
 * A request trace: arrival times (seconds from the first request) and token
 * lengths, in arrival order. Traces are cached and shared between runs: read only.
 */
export interface Trace {
  readonly file: string;
  readonly arrivals: Float64Array;
  /** Counts are at most MAX_TOKENS, so 32 bits hold every one exactly. */
  readonly promptTokens: Int32Array;
  readonly outputTokens: Int32Array;
}

/** The column names of the two trace formats we read. */
const FORMATS = [
  {
    name: 'Azure',
    time: 'TIMESTAMP',
    prompt: 'ContextTokens',
    output: 'GeneratedTokens',
    timeForm: 'a date and time like 2023-11-16 18:15:46.68',
    parseTime: parseAzureTimestamp,
  },
  { name: 'Vidur', time: 'arrived_at', prompt: 'num_prefill_tokens', output: 'num_decode_tokens', timeForm: 'seconds as a decimal number', parseTime: parseSeconds },
] as const;

const EXPECTED = FORMATS.map((f) => `${f.name} columns ${f.time},${f.prompt},${f.output}`).join(' or ');
const LIMIT = MAX_TOKENS.toLocaleString('en-US');

const cache = new Map<string, Trace>();

/**
 * Reads a trace CSV with Azure (`TIMESTAMP,ContextTokens,GeneratedTokens`) or
 * Vidur (`arrived_at,num_prefill_tokens,num_decode_tokens`) columns. Times are
 * re-based so the first request arrives at 0. Parsed traces are cached per path.
 * Only regular files up to MAX_TRACE_BYTES are read.
 */
export function loadTrace(file: string): Trace {
  const cached = cache.get(file);
  if (cached !== undefined) return cached;
  const trace = parseTrace(file, readRegularFile(file, 'trace file', MAX_TRACE_BYTES));
  cache.set(file, trace);
  return trace;
}

/**
 * Parses a trace's text. Errors name the file, the line and the column, but
 * never quote the file: a scenario could point this at a file that is not a
 * trace at all, and its first line would end up on the screen or in a log.
 */
export function parseTrace(file: string, text: string): Trace {
  if (text.trim() === '') throw new InputError(`trace file ${file} is empty`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim());
  const format = FORMATS.find((f) => [f.time, f.prompt, f.output].every((c) => header.includes(c)));
  if (format === undefined) throw new InputError(`trace file ${file} ${describeHeader(header)}; expected ${EXPECTED}`);
  const [ti, pi, oi] = [format.time, format.prompt, format.output].map((c) => header.indexOf(c));
  let times = new Float64Array(Math.min(lines.length, 1024));
  let prompt = new Int32Array(times.length);
  let output = new Int32Array(times.length);
  let rows = 0;
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    if (rows === MAX_REQUESTS) {
      throw new InputError(`trace file ${file} holds more than ${MAX_REQUESTS.toLocaleString('en-US')} requests, the most one simulation may replay; replay a part of it`);
    }
    const cells = line.split(',');
    const t = format.parseTime(cells[ti]?.trim() ?? '');
    if (!Number.isFinite(t)) throw new InputError(`trace file ${file} line ${n + 1}: cannot read the time in column ${format.time}, expected ${format.timeForm}`);
    const p = readCount(cells[pi], file, n + 1, format.prompt);
    const o = readCount(cells[oi], file, n + 1, format.output);
    if (rows === times.length) {
      times = grow(times, new Float64Array(rows * 2));
      prompt = grow(prompt, new Int32Array(rows * 2));
      output = grow(output, new Int32Array(rows * 2));
    }
    times[rows] = t;
    prompt[rows] = p;
    output[rows] = o;
    rows++;
  }
  if (rows === 0) throw new InputError(`trace file ${file} has no requests`);
  return inArrivalOrder(file, times.subarray(0, rows), prompt.subarray(0, rows), output.subarray(0, rows));
}

/** Sorts by time (ties keep file order) and re-bases times so the first request arrives at 0. */
function inArrivalOrder(file: string, times: Float64Array, prompt: Int32Array, output: Int32Array): Trace {
  const n = times.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = times[i - 1] <= times[i];
  const order = Array.from({ length: n }, (_, i) => i);
  if (!sorted) order.sort((a, b) => times[a] - times[b] || a - b);
  const t0 = times[order[0]];
  const arrivals = Float64Array.from(order, (i) => times[i] - t0);
  // Each time is finite, but two far apart can differ by more than a double holds.
  if (!Number.isFinite(arrivals[n - 1])) throw new InputError(`trace file ${file} spans more time than can be represented; check its earliest and latest times`);
  return { file, arrivals, promptTokens: Int32Array.from(order, (i) => prompt[i]), outputTokens: Int32Array.from(order, (i) => output[i]) };
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** What the header holds, in our own words: how many columns, and which expected ones are missing. */
function describeHeader(header: readonly string[]): string {
  const count = `has ${header.length} column${header.length === 1 ? '' : 's'}`;
  const best = FORMATS.map((f) => ({ f, found: [f.time, f.prompt, f.output].filter((c) => header.includes(c)) })).sort((a, b) => b.found.length - a.found.length)[0];
  if (best.found.length === 0) return `${count}, none named as expected`;
  const missing = [best.f.time, best.f.prompt, best.f.output].filter((c) => !header.includes(c));
  return `${count}, with ${best.f.name}'s ${best.found.join(', ')} but not ${missing.join(', ')}`;
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

/** A cell's token count, or an InputError naming the file, line and column (never the cell's text). */
function readCount(cell: string | undefined, file: string, line: number, column: string): number {
  const count = parseCount(cell);
  if (typeof count === 'string') throw new InputError(`trace file ${file} line ${line}: token counts must be positive integers up to ${LIMIT}, but ${column} ${count}`);
  return count;
}

/**
 * A token count written as plain digits, 1 to MAX_TOKENS; otherwise what is
 * wrong with it, as the end of a sentence ("is negative"). Digits are compared as text before
 * they become a number, so 4294967396 is too large rather than 100 after a
 * 32-bit wrap, and no size of digit string loses precision on the way.
 */
function parseCount(cell: string | undefined): number | string {
  const s = cell?.trim() ?? '';
  if (s === '') return 'is empty';
  if (/^\d+$/.test(s)) {
    const digits = s.replace(/^0+(?=\d)/, '');
    if (digits.length > String(MAX_TOKENS).length || Number(digits) > MAX_TOKENS) return 'is larger';
    return digits === '0' ? 'is 0' : Number(digits);
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return 'is not a number';
  const value = Number(s);
  if (value < 0) return 'is negative';
  if (value > MAX_TOKENS) return 'is larger';
  if (!Number.isInteger(value)) return 'is not a whole number';
  return 'is not written as plain digits';
}
