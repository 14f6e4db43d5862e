import { crc32c } from '../../src/storage/crc32c.js';

/**
 * Just enough of a TFRecord reader to check what the TensorBoard writer puts
 * on disk: it splits a file into records and verifies both checksums of each.
 * It is written from the format's description, independently of the writer:
 * rather than masking the CRC it computes, it unmasks the stored one.
 */
export interface TfRecordFile {
  /** The data of every whole record, in file order. */
  records: Uint8Array[];
  /** False when the file ends inside a record: one still being written, or cut short by a crash. */
  complete: boolean;
  /** Bytes taken by the whole records; where a writer resuming the file would have to start. */
  wholeBytes: number;
}

const HEADER_BYTES = 8 + 4;
const FOOTER_BYTES = 4;

/** Undoes TFRecord's mask: subtract the constant, then rotate left by the 15 bits it was rotated right. */
export function unmaskCrc32c(masked: number): number {
  const rotated = (masked - 0xa282ead8) >>> 0;
  return ((rotated << 15) | (rotated >>> 17)) >>> 0;
}

/**
 * Throws on a checksum that does not match, since that is corruption; a
 * file that merely stops part way through a record is reported through
 * `complete` instead, as TensorFlow's readers do.
 */
export function readTfRecords(file: Uint8Array): TfRecordFile {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < HEADER_BYTES) return { records, complete: false, wholeBytes: at };
    const lengthBytes = buf.subarray(at, at + 8);
    if (unmaskCrc32c(buf.readUInt32LE(at + 8)) !== crc32c(lengthBytes)) {
      throw new Error(`record ${records.length} at byte ${at}: length CRC mismatch`);
    }
    const length = buf.readBigUInt64LE(at);
    if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`record ${records.length}: length ${length} is implausible`);
    const end = at + HEADER_BYTES + Number(length) + FOOTER_BYTES;
    if (end > buf.length) return { records, complete: false, wholeBytes: at };
    const data = buf.subarray(at + HEADER_BYTES, end - FOOTER_BYTES);
    if (unmaskCrc32c(buf.readUInt32LE(end - FOOTER_BYTES)) !== crc32c(data)) {
      throw new Error(`record ${records.length} at byte ${at}: data CRC mismatch`);
    }
    records.push(data);
    at = end;
  }
  return { records, complete: true, wholeBytes: at };
}
