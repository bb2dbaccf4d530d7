import type { PyodideAPI } from 'pyodide';
import type { PyProxy } from 'pyodide/ffi';

/**
 * Built-in modules compiled into Pyodide that sandboxed code must not get: `_ctypes` reads and
 * writes raw memory, and CPython's test modules expose C-API helpers that do the same.
 */
export const DISABLED_BUILTIN_MODULES = /^(_ctypes|_test\w*|_xxtestfuzz)$/;

/** Pyodide's Emscripten module: its heap and the address of CPython's `PyImport_Inittab` pointer. */
interface EmscriptenModule {
  readonly HEAPU8: Uint8Array;
  readonly _PyImport_Inittab: number;
}

/** One `struct _inittab` entry: a name pointer and an init function pointer (wasm32: 4 bytes each). */
const ENTRY_WORDS = 2;

/**
 * Takes the disabled modules out of CPython's table of built-in modules, so `import _ctypes`
 * finds a module with nothing in it. CPython copies the table at start-up, so every copy in
 * memory is found (the same run of entries) and the init function of each disabled entry is
 * cleared; CPython then creates an empty module instead of running it. Done before a snapshot
 * is taken, so restored runtimes start with it. Python code that can write raw memory could
 * undo it; this closes an easy door, it is not the boundary.
 */
export function disableBuiltinModules(pyodide: PyodideAPI): void {
  const module = (pyodide as unknown as { _module: EmscriptenModule })._module;
  const words = new Uint32Array(module.HEAPU8.buffer);
  const table = words[module._PyImport_Inittab >> 2] >> 2;
  const entries: number[] = [];
  for (let i = table; words[i] !== 0; i += ENTRY_WORDS) entries.push(words[i], words[i + 1]);
  const decoder = new TextDecoder();
  const name = (pointer: number): string => decoder.decode(module.HEAPU8.subarray(pointer, module.HEAPU8.indexOf(0, pointer)));
  const disabled = new Set<number>();
  for (let e = 0; e < entries.length; e += ENTRY_WORDS) if (DISABLED_BUILTIN_MODULES.test(name(entries[e]))) disabled.add(e);
  for (let start = words.indexOf(entries[0]); start !== -1; start = words.indexOf(entries[0], start + 1)) {
    if (!entries.every((word, k) => words[start + k] === word)) continue;
    for (const e of disabled) words[start + e + 1] = 0;
  }
  const globals = pyodide.toPy({ pattern: DISABLED_BUILTIN_MODULES.source }) as PyProxy;
  pyodide.runPython(
    'import re, sys\nsys.builtin_module_names = tuple(n for n in sys.builtin_module_names if not re.fullmatch(pattern, n))',
    {
      globals,
    },
  );
  globals.destroy();
}
