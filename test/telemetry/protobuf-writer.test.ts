import { describe, expect, it } from 'vitest';
import { ProtobufWriter } from '../../src/telemetry/protobuf-writer.js';
import { bytesOf, doubleOf, floatOf, int64Of, readFields, stringOf } from './protobuf-reader.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('ProtobufWriter', () => {
  it('matches the worked examples of the protocol buffers encoding guide', () => {
    // An int32/int64 field 1 holding 150; a string field 2 holding "testing";
    // 300 as a varint is ac 02.
    expect(hex(new ProtobufWriter().int64(1, 150).finish())).toBe('089601');
    expect(hex(new ProtobufWriter().string(2, 'testing').finish())).toBe('120774657374696e67');
    expect(hex(new ProtobufWriter().int64(1, 300).finish())).toBe('08ac02');
  });

  it('writes int64 varints across the 7-bit, 32-bit and 53-bit boundaries', () => {
    const values = [0, 1, 127, 128, 16383, 16384, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 + 5, Number.MAX_SAFE_INTEGER];
    const writer = new ProtobufWriter();
    values.forEach((v, i) => writer.int64(i + 1, v));
    const fields = readFields(writer.finish());
    expect(fields.map((f) => f.field)).toEqual(values.map((_, i) => i + 1));
    expect(fields.map(int64Of)).toEqual(values);
  });

  it('writes negative int64 values as ten-byte two’s complement varints', () => {
    expect(hex(new ProtobufWriter().int64(1, -1).finish())).toBe('08ffffffffffffffffff01');
    const fields = readFields(new ProtobufWriter().int64(1, -2).int64(2, Number.MIN_SAFE_INTEGER).finish());
    expect(fields.map(int64Of)).toEqual([-2, Number.MIN_SAFE_INTEGER]);
  });

  it('writes doubles and floats little-endian under their own wire types', () => {
    const bytes = new ProtobufWriter().double(1, 256.5).float(2, 1.5).float(3, 0.1).finish();
    expect(hex(bytes.subarray(0, 9))).toBe('090000000000087040');
    expect(hex(bytes.subarray(9, 14))).toBe('150000c03f');
    const fields = readFields(bytes);
    expect(doubleOf(fields[0])).toBe(256.5);
    expect(floatOf(fields[1])).toBe(1.5);
    expect(floatOf(fields[2])).toBe(Math.fround(0.1));
  });

  it('nests messages and grows past its first buffer', () => {
    const inner = new ProtobufWriter().string(1, 'x'.repeat(200)).finish();
    const outer = new ProtobufWriter().embedded(7, inner).string(8, 'héllo ✓').finish();
    const [nested, text] = readFields(outer);
    expect(nested.field).toBe(7);
    expect(stringOf(readFields(bytesOf(nested))[0])).toBe('x'.repeat(200));
    expect(stringOf(text)).toBe('héllo ✓');
  });

  it('uses large field numbers and refuses invalid ones', () => {
    const [field] = readFields(new ProtobufWriter().int64(2 ** 29 - 1, 3).finish());
    expect(field.field).toBe(2 ** 29 - 1);
    expect(() => new ProtobufWriter().int64(0, 1)).toThrow(RangeError);
    expect(() => new ProtobufWriter().int64(2 ** 29, 1)).toThrow(RangeError);
    expect(() => new ProtobufWriter().int64(1.5, 1)).toThrow(RangeError);
  });

  it('refuses int64 values a number cannot hold exactly', () => {
    expect(() => new ProtobufWriter().int64(1, 2 ** 53)).toThrow(RangeError);
    expect(() => new ProtobufWriter().int64(1, 0.5)).toThrow(RangeError);
    expect(() => new ProtobufWriter().int64(1, NaN)).toThrow(RangeError);
  });
});
