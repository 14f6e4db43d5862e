import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, encodePng, writePngAtomic } from '../../src/plots/png.js';
import { decodePng, hasNodeCrc32, pixelAt } from './png-reader.js';

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('continues over pieces', () => {
    const data = Buffer.from('confidence bands');
    expect(crc32(data.subarray(5), crc32(data.subarray(0, 5)))).toBe(crc32(data));
  });

  it.runIf(hasNodeCrc32())('agrees with node:zlib', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) & 0xff));
    expect(crc32(data)).toBe((zlib as unknown as { crc32: (d: Uint8Array) => number }).crc32(data));
  });
});

describe('encodePng', () => {
  it('round-trips pixels through an independent decoder', () => {
    const width = 3;
    const height = 2;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 29 + 7) & 0xff;
    const png = decodePng(encodePng(width, height, rgba));
    expect(png.chunkTypes).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([png.width, png.height]).toEqual([3, 2]);
    expect(png.rgba).toEqual(rgba);
    expect(pixelAt(png, 2, 1)).toEqual([...rgba.subarray(20, 24)]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(RangeError);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('writePngAtomic', () => {
  const dirs: string[] = [];
  const scratch = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plots-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes the file, replaces an old one, and leaves no temporary file', async () => {
    const dir = await scratch();
    const path = join(dir, 'chart.png');
    await writeFile(path, 'old');
    const png = encodePng(1, 1, new Uint8Array([1, 2, 3, 255]));
    await writePngAtomic(path, png);
    expect(await readFile(path)).toEqual(png);
    expect(await readdir(dir)).toEqual(['chart.png']);
  });

  it('cleans up its temporary file when the rename fails', async () => {
    const dir = await scratch();
    const target = join(dir, 'occupied.png');
    await mkdir(join(target, 'inside'), { recursive: true }); // a non-empty directory cannot be renamed over
    await expect(writePngAtomic(target, encodePng(1, 1, new Uint8Array(4)))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['occupied.png']);
  });
});
