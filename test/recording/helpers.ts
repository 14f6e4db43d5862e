import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FrameBuffer, scanFrames } from '../../src/recording/record-frames.js';
import type { RolloutRecord } from '../../src/recording/rollout-records.js';
import { unpack } from '../../src/storage/msgpack.js';
import { runCli } from '../cli/run-cli.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mappo-${prefix}-`));
}

/** One complete frame of a rollout file: where it starts and ends, and its record decoded. */
export interface FrameAt {
  /** 1-based record number, headers counted (as the reader and verifier number them). */
  number: number;
  offset: number;
  end: number;
  record: RolloutRecord;
}

/** Every frame of an intact rollout file (throws if the file is cut or damaged). */
export function framesOf(bytes: Uint8Array): FrameAt[] {
  const out: FrameAt[] = [];
  for (const f of scanFrames(bytes)) {
    if (f.kind !== 'frame') throw new Error(`test fixture is not intact: ${f.kind} at byte ${f.offset}`);
    out.push({ number: out.length + 1, offset: f.offset, end: f.payload.byteOffset - bytes.byteOffset + f.payload.length, record: unpack<RolloutRecord>(f.payload) });
  }
  return out;
}

/** The file with record `number` replaced by `edit(record)`, framed properly (a valid checksum), every other byte kept. */
export function rewriteRecord(path: string, number: number, edit: (r: RolloutRecord) => RolloutRecord, out = path): void {
  const bytes = readFileSync(path);
  const frame = framesOf(bytes).find((f) => f.number === number);
  if (frame === undefined) throw new Error(`no record ${number} in ${path}`);
  const buffer = new FrameBuffer();
  buffer.append(edit(frame.record));
  writeFileSync(out, Buffer.concat([bytes.subarray(0, frame.offset), buffer.take(), bytes.subarray(frame.end)]));
}

/** Frames `records` into a file of their own. */
export function writeFrames(path: string, records: unknown[]): void {
  const buffer = new FrameBuffer();
  for (const r of records) buffer.append(r);
  writeFileSync(path, buffer.take());
}

/** A CLI run that fails with one sentence on stderr: non-zero exit, nothing on stdout, no stack trace. Returns the sentence. */
export async function expectCliError(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli(args);
  expect(code).not.toBe(0);
  expect(stdout).toBe('');
  expect(stderr).not.toMatch(/\n\s+at /);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0];
}

/** Runs the CLI and expects it to succeed; returns stdout and stderr. */
export async function cliOk(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runCli(args);
  expect(code, `mappo ${args.join(' ')} failed: ${stderr}`).toBe(0);
  return { stdout, stderr };
}
