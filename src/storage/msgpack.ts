import { Packr } from 'msgpackr';

/**
 * The one msgpack configuration of the project. `moreTypes` makes typed arrays
 * (Float32Array, Int32Array, ...) round-trip as typed arrays; without it a
 * Float32Array comes back as raw bytes.
 */
export const packr = new Packr({ moreTypes: true, structuredClone: false, useRecords: false });

export function pack(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function unpack<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}
