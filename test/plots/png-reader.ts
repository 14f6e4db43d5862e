import * as zlib from 'node:zlib';
import { crc32 } from '../../src/plots/png.js';

/**
 * Just enough of a PNG decoder to check what the plotting module writes: the
 * chunk structure, every checksum, 8-bit RGBA and the filter types a reader must
 * undo. It is written from the PNG specification, independently of the encoder.
 */
export interface DecodedPng {
  width: number;
  height: number;
  rgba: Uint8Array;
  chunkTypes: string[];
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Node's CRC-32 when this Node has it (20.15 and later), to check ours against. */
const nodeCrc32: ((data: Uint8Array) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (data) => zlib.crc32(data) : undefined;

export function hasNodeCrc32(): boolean {
  return nodeCrc32 !== undefined;
}

export function decodePng(file: Uint8Array): DecodedPng {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  SIGNATURE.forEach((b, i) => {
    if (buf[i] !== b) throw new Error(`bad signature byte ${i}`);
  });
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const chunkTypes: string[] = [];
  while (at < buf.length) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + length);
    const stored = buf.readUInt32BE(at + 8 + length);
    const covered = buf.subarray(at + 4, at + 8 + length);
    if (crc32(covered) !== stored) throw new Error(`${type}: CRC mismatch`);
    if (nodeCrc32 && nodeCrc32(covered) !== stored) throw new Error(`${type}: CRC disagrees with node:zlib`);
    chunkTypes.push(type);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colourType, compression, filter, interlace] = body.subarray(8, 13);
      if (depth !== 8 || colourType !== 6 || compression !== 0 || filter !== 0 || interlace !== 0) throw new Error('unsupported IHDR');
    } else if (type === 'IDAT') {
      idat.push(body);
    }
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (at !== buf.length) throw new Error('bytes after IEND');
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  if (raw.length !== (stride + 1) * height) throw new Error(`inflated ${raw.length} bytes, expected ${(stride + 1) * height}`);
  const rgba = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rgba.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rgba.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    if (filter === 0) {
      out.set(line);
      continue;
    }
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? out[i - 4] : 0;
      const b = prev[i];
      const c = i >= 4 ? prev[i - 4] : 0;
      let predictor: number;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) predictor = paeth(a, b, c);
      else throw new Error(`unknown filter ${filter} on row ${y}`);
      out[i] = (line[i] + predictor) & 0xff;
    }
  }
  return { width, height, rgba, chunkTypes };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The colour of one pixel as [r, g, b, a]. */
export function pixelAt(png: DecodedPng, x: number, y: number): [number, number, number, number] {
  const i = (y * png.width + x) * 4;
  return [png.rgba[i], png.rgba[i + 1], png.rgba[i + 2], png.rgba[i + 3]];
}
