import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/agents/backend.js';

describe('useBackend', () => {
  it("leaves the process's error handlers as they were (the wasm runtime's re-throwing ones are removed)", async () => {
    const before = { uncaught: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
    await useBackend('wasm');
    // Emscripten adds handlers that re-throw, which makes Node exit with code 7 on any uncaught error.
    expect(process.listeners('uncaughtException')).toEqual(before.uncaught);
    expect(process.listeners('unhandledRejection')).toEqual(before.rejection);
    await useBackend('cpu');
    await useBackend('wasm');
    expect(process.listeners('uncaughtException')).toEqual(before.uncaught);
  });
});
