/** The parts' bytes one after another, in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return writeParts(parts, new Uint8Array(totalLength(parts)));
}

export function totalLength(parts: readonly Uint8Array[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}

/** Writes the parts one after another into `out`, which holds exactly their bytes; returns `out`. */
export function writeParts(parts: readonly Uint8Array[], out: Uint8Array): Uint8Array {
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
