import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';

const CHUNK = 1 << 16;

/**
 * Reads a regular file of at most `maxBytes` as UTF-8 (a leading byte-order
 * mark dropped); `what` names it in errors ("trace file"). Folders, devices
 * and pipes are refused before they are opened, since /dev/zero never ends
 * and a pipe blocks until someone writes. The size is enforced while reading,
 * not taken from stat alone, because files under /proc report a size of 0.
 */
export function readRegularFile(path: string, what: string, maxBytes: number): string {
  let fd: number;
  try {
    if (!statSync(path).isFile()) throw new InputError(notRegular(path, what));
    // Non-blocking, so a file swapped for a pipe after the stat cannot hang the open.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read ${what} ${path}: no such file or not readable`);
  }
  const tooLarge = (): InputError => new InputError(`${what} ${path} is larger than ${formatBytes(maxBytes)}, the most a ${what} may hold`);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(notRegular(path, what));
    if (stat.size > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, CHUNK, null);
      } catch {
        throw new InputError(`cannot read ${what} ${path}: no such file or not readable`);
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge();
      chunks.push(n === CHUNK ? chunk : chunk.subarray(0, n));
    }
    return new TextDecoder('utf-8').decode(Buffer.concat(chunks, total));
  } finally {
    closeSync(fd);
  }
}

function notRegular(path: string, what: string): string {
  return `cannot read ${what} ${path}: it is a folder, device or pipe, not a regular file`;
}

function formatBytes(n: number): string {
  const mib = n / (1 << 20);
  return Number.isInteger(mib) ? `${mib} MiB` : `${n} bytes`;
}
