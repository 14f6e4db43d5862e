/**
 * Names that reach Object.prototype rather than data (`obj[name]` finds them on
 * every object, and assigning `__proto__` replaces an object's prototype). No
 * scenario field, replica type or --vary path step may be one of them.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The reserved names as a sentence lists them. */
export const RESERVED_LIST = '__proto__, constructor and prototype';
