/**
 * Just enough of the protocol buffers wire format to serialize a message whose
 * shape the caller knows: each method appends one field (its key, then its
 * value) to a growing buffer. There is no schema and no reading; an embedded
 * message is serialized with its own writer and appended as bytes, which is
 * how the wire format nests messages anyway (length-delimited).
 */

/** How a field's value is laid out, the low three bits of every field key. */
const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;
type WireType = (typeof WireType)[keyof typeof WireType];

/** Field numbers are 29 bits: the key is `field << 3 | wire type`, sent as a 32-bit varint. */
const MAX_FIELD_NUMBER = 2 ** 29 - 1;

const UTF8 = new TextEncoder();

export class ProtobufWriter {
  private bytes = new Uint8Array(64);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  /** A `double` field (wire type fixed64, IEEE 754 little-endian). */
  double(field: number, value: number): this {
    this.key(field, WireType.fixed64);
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
    return this;
  }

  /** A `float` field (wire type fixed32). The value is rounded to the nearest float32, so doubles beyond its range become ±Infinity. */
  float(field: number, value: number): this {
    this.key(field, WireType.fixed32);
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
    return this;
  }

  /**
   * An `int64` field. Negative values take ten bytes, as the format requires:
   * they are sent as their 64-bit two's complement, not zigzag-encoded (that
   * is `sint64`). Only safe integers are accepted, since a JavaScript number
   * beyond 2^53 no longer names one integer.
   */
  int64(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`int64 field ${field} needs a safe integer, got ${value}`);
    this.key(field, WireType.varint);
    if (value >= 0) this.varint(value);
    else this.negativeVarint(value);
    return this;
  }

  /** A `string` field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.embedded(field, UTF8.encode(value));
  }

  /** A `bytes` field, or an embedded message serialized by another writer. */
  embedded(field: number, value: Uint8Array): this {
    this.key(field, WireType.lengthDelimited);
    this.varint(value.length);
    this.reserve(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** The message so far. The writer stays usable; later fields are not reflected in what was returned. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private key(field: number, wireType: WireType): void {
    if (!Number.isInteger(field) || field < 1 || field > MAX_FIELD_NUMBER) {
      throw new RangeError(`protobuf field numbers run from 1 to ${MAX_FIELD_NUMBER}, got ${field}`);
    }
    this.varint(field * 8 + wireType);
  }

  /** Base-128, least significant group first, high bit set on all but the last byte. Arithmetic rather than bit operators, which would truncate to 32 bits. */
  private varint(value: number): void {
    this.reserve(10);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.bytes[this.length++] = rest;
  }

  private negativeVarint(value: number): void {
    this.reserve(10);
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest >= 0x80n) {
      this.bytes[this.length++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.bytes[this.length++] = Number(rest);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}
