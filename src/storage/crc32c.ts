/**
 * CRC-32C (Castagnoli), the checksum TFRecord files use, and the masking
 * TFRecord applies to it. Node has no CRC-32C of its own (`zlib.crc32` is the
 * PNG/zlib polynomial), so it is computed here from a 256-entry table.
 */

/** The Castagnoli polynomial 0x1EDC6F41, bit-reversed because the CRC is computed least significant bit first. */
const CASTAGNOLI_REFLECTED = 0x82f63b78;

/** Added after rotating, as TFRecord specifies; see `maskCrc32c`. */
const MASK_DELTA = 0xa282ead8;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CASTAGNOLI_REFLECTED ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C of `data`. `previous` continues a checksum over data given in pieces. */
export function crc32c(data: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The form TFRecord stores a CRC in: rotated right by 15 bits plus a constant,
 * modulo 2^32. Checksumming bytes that contain plain CRCs of their own
 * neighbours is badly behaved (the CRC of data followed by its CRC is a
 * constant), so a stored CRC is scrambled before it is written.
 */
export function maskCrc32c(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}
