import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc32c } from '../../src/storage/crc32c.js';
import { unmaskCrc32c } from '../telemetry/tfrecord-reader.js';

/** CRC-32C straight from its definition, one bit at a time, to check the table-driven version against. */
function bitwiseCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The mask exactly as TFRecord states it, in arbitrary precision so that no 32-bit shortcut is shared with the code under test. */
function maskByDefinition(crc: number): number {
  const c = BigInt(crc);
  const rotated = ((c >> 15n) | (c << 17n)) & 0xffffffffn;
  return Number((rotated + 0xa282ead8n) % 2n ** 32n);
}

/** Deterministic bytes, so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('crc32c', () => {
  it('gives the standard check value and the iSCSI test vectors', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    // RFC 3720 (iSCSI), appendix B.4. Each value was also recomputed before
    // being written here, with the SSE4.2 crc32 instruction and with a
    // bit-at-a-time implementation in Python.
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees with the bit-at-a-time definition on many inputs', () => {
    for (let length = 0; length < 300; length += 7) {
      const data = pseudoRandomBytes(length, length + 1);
      expect(crc32c(data)).toBe(bitwiseCrc32c(data));
    }
  });

  it('continues a checksum over data given in pieces', () => {
    const data = pseudoRandomBytes(1000, 42);
    for (const cut of [0, 1, 8, 500, 999, 1000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(crc32c(data));
    }
  });
});

describe('maskCrc32c', () => {
  it('rotates right by 15 bits and adds 0xa282ead8 modulo 2^32', () => {
    const crcs = [0, 1, 0x7fff, 0x8000, 0x7fffffff, 0x80000000, 0xffffffff, 0xe3069283];
    for (let i = 0; i < 100; i++) crcs.push(crc32c(pseudoRandomBytes(16, i)));
    for (const crc of crcs) {
      const masked = maskCrc32c(crc);
      expect(masked).toBe(maskByDefinition(crc));
      expect(Number.isInteger(masked) && masked >= 0 && masked < 2 ** 32).toBe(true);
      expect(unmaskCrc32c(masked)).toBe(crc);
    }
    expect(maskCrc32c(0)).toBe(0xa282ead8);
  });

  it('gives the length checksum that begins TensorFlow event files', () => {
    // A file's first record is usually 24 bytes long, so TensorFlow's event
    // files start with 18 00 00 00 00 00 00 00 a3 7f 4b 22.
    const length = new Uint8Array([0x18, 0, 0, 0, 0, 0, 0, 0]);
    expect(maskCrc32c(crc32c(length))).toBe(0x224b7fa3);
  });
});
