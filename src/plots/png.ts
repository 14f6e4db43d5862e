import { deflateSync } from 'node:zlib';
import { writeFileAtomic } from '../storage/atomic-file.js';

/**
 * A minimal PNG writer: one IHDR (8-bit RGBA, no interlacing), one IDAT and an
 * IEND. Every row uses filter type 0 (none); other filters would shrink flat
 * chart images a little more, but deflate already squeezes the long runs of
 * background, and a writer with no filter choice is easy to check.
 */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG limits each dimension to 2^31 - 1; far smaller images already exhaust memory, so a tighter bound is checked by callers. */
const MAX_DIMENSION = 0x7fffffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 as PNG and zlib define it (reflected, polynomial 0xEDB88320). Node's
 * own `zlib.crc32` only arrived in 20.15, and we support every Node 20.
 * `previous` continues a checksum over data given in pieces.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  // The checksum covers the type and the data, not the length.
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes straight (not premultiplied) RGBA pixels, row by row from the top, as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
    throw new RangeError(`PNG dimensions must be positive integers, got ${width}x${height}`);
  }
  const stride = width * 4;
  if (rgba.length !== stride * height) {
    throw new RangeError(`expected ${stride * height} bytes of RGBA for ${width}x${height}, got ${rgba.length}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // colour type: truecolour with alpha
  header[10] = 0; // compression: deflate
  header[11] = 0; // filtering: adaptive, per-row filter byte
  header[12] = 0; // no interlacing

  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1);
    raw[at] = 0; // filter type: none
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), at + 1);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}


/** Writes a PNG atomically (see writeFileAtomic), creating its folder. */
export async function writePngAtomic(path: string, png: Uint8Array): Promise<void> {
  writeFileAtomic(path, png);
}
