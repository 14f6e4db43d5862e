/**
 * A protocol buffers wire-format parser for the tests, written from the
 * encoding's specification rather than from the writer: it splits a message
 * into its fields and leaves their meaning to the caller. Anything malformed
 * throws, so a test that reaches its assertions has parsed the whole message.
 */
export type WireField =
  | { field: number; wireType: 0; varint: bigint }
  | { field: number; wireType: 1 | 2 | 5; bytes: Uint8Array };

export function readVarint(bytes: Uint8Array, start: number): { value: bigint; next: number } {
  let value = 0n;
  let shift = 0n;
  for (let at = start; at < bytes.length && shift < 70n; at++) {
    value |= BigInt(bytes[at] & 0x7f) << shift;
    if ((bytes[at] & 0x80) === 0) {
      if (value >= 1n << 64n) throw new Error(`varint at byte ${start} overflows 64 bits`);
      return { value, next: at + 1 };
    }
    shift += 7n;
  }
  throw new Error(`varint at byte ${start} is truncated or longer than ten bytes`);
}

export function readFields(message: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < message.length) {
    const key = readVarint(message, at);
    at = key.next;
    const field = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    if (field === 0) throw new Error('field number 0 is invalid');
    if (wireType === 0) {
      const v = readVarint(message, at);
      fields.push({ field, wireType, varint: v.value });
      at = v.next;
      continue;
    }
    let size: number;
    if (wireType === 1) size = 8;
    else if (wireType === 5) size = 4;
    else if (wireType === 2) {
      const length = readVarint(message, at);
      at = length.next;
      size = Number(length.value);
    } else throw new Error(`unsupported wire type ${wireType} for field ${field}`);
    if (at + size > message.length) throw new Error(`field ${field} runs past the end of the message`);
    fields.push({ field, wireType, bytes: message.subarray(at, at + size) });
    at += size;
  }
  return fields;
}

/** An int64 field's value: the varint holds its 64-bit two's complement. */
export function int64Of(field: WireField): number {
  if (field.wireType !== 0) throw new Error(`field ${field.field}: expected a varint, got wire type ${field.wireType}`);
  return Number(BigInt.asIntN(64, field.varint));
}

export function doubleOf(field: WireField): number {
  if (field.wireType !== 1) throw new Error(`field ${field.field}: expected fixed64, got wire type ${field.wireType}`);
  return new DataView(field.bytes.buffer, field.bytes.byteOffset, 8).getFloat64(0, true);
}

export function floatOf(field: WireField): number {
  if (field.wireType !== 5) throw new Error(`field ${field.field}: expected fixed32, got wire type ${field.wireType}`);
  return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
}

export function bytesOf(field: WireField): Uint8Array {
  if (field.wireType !== 2) throw new Error(`field ${field.field}: expected length-delimited, got wire type ${field.wireType}`);
  return field.bytes;
}

export function stringOf(field: WireField): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(field));
}
