/**
 * Takes host capabilities out of the worker's reach before Pyodide loads. This is defence in
 * depth: the sandbox process's permissions are the boundary, but Node's permission model does
 * not cover the network, and a denied permission is fatal to the process, whereas these make
 * such calls fail as ordinary errors that Python reports like any other.
 */
// Default imports give the modules' real export objects, the ones Pyodide's require() sees.
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import workerThreads from 'node:worker_threads';

const NETWORK_GLOBALS = ['fetch', 'WebSocket', 'EventSource', 'XMLHttpRequest', 'Request', 'Response', 'Headers'];

/**
 * `process` functions that act outside this process (kill the editor, load native code, load
 * any built-in module) or change what the permission checks see. Pyodide needs none of them.
 */
const PROCESS_ESCAPES = [
  'kill',
  'dlopen',
  'getBuiltinModule',
  '_linkedBinding',
  'chdir',
  'setuid',
  'setgid',
  'seteuid',
  'setegid',
  'setgroups',
  'initgroups',
];

function refuse(what: string): () => never {
  return () => {
    const error = new Error(`${what} is not available in the sandbox`) as NodeJS.ErrnoException;
    error.code = 'EACCES';
    throw error;
  };
}

function replaceAll(target: object, names: readonly string[], what: string): void {
  for (const name of names) {
    if (name in target) Object.defineProperty(target, name, { value: refuse(`${what}.${name}`), writable: false, configurable: false });
  }
}

/** Replaces process-starting and network functions; afterwards they throw EACCES errors. */
export function removeHostAccess(): void {
  // Emscripten's system() calls spawnSync and reads `status`: 127 makes os.system() return
  // "command not found" (32512) instead of running a shell.
  Object.defineProperty(childProcess, 'spawnSync', {
    value: () => ({ status: 127, signal: null, pid: 0, output: [], stdout: null, stderr: null }),
    writable: false,
    configurable: false,
  });
  replaceAll(childProcess, ['spawn', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'child_process');
  replaceAll(net, ['connect', 'createConnection', 'createServer'], 'net');
  replaceAll(net.Socket.prototype, ['connect'], 'net.Socket');
  replaceAll(tls, ['connect', 'createServer'], 'tls');
  replaceAll(http, ['request', 'get', 'createServer'], 'http');
  replaceAll(https, ['request', 'get', 'createServer'], 'https');
  replaceAll(dgram, ['createSocket'], 'dgram');
  replaceAll(dgram.Socket.prototype, ['bind', 'connect', 'send'], 'dgram.Socket');
  // A new worker would start with none of these replacements.
  replaceAll(workerThreads, ['Worker'], 'worker_threads');
  replaceAll(process, PROCESS_ESCAPES, 'process');
  replaceAll(dns, ['lookup', 'resolve', 'resolve4', 'resolve6', 'lookupService'], 'dns');
  replaceAll(dns.promises, ['lookup', 'resolve', 'resolve4', 'resolve6', 'lookupService'], 'dns.promises');
  for (const name of NETWORK_GLOBALS) delete (globalThis as Record<string, unknown>)[name];
  // Pyodide also reaches some of these through `import('node:...')`, whose named exports are
  // copies until synced.
  syncBuiltinESMExports();
}

/**
 * Pyodide's Emscripten layer asks `process.binding('constants')`, which the permission model
 * denies; it only needs the file-system constants, which are public anyway. Every other
 * binding stays out of reach.
 */
export function allowPyodideUnderPermissions(): void {
  (process as unknown as { binding: (name: string) => unknown }).binding = (name: string) => {
    if (name === 'constants') return { fs: fs.constants };
    // Without the permission model (Electron) bindings would reach sockets and processes.
    throw new Error(`process.binding('${name}') is not available in the sandbox`);
  };
}
