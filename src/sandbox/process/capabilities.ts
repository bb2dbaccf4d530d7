/**
 * What the relay thread gives up once it has its channel and its worker. The relay runs no
 * Python, and the worker has no way into it but messages; this is for the case where that
 * fails: Node's permission model (20-24) covers neither the network nor signals, so the relay
 * removes them from its own reach, along with facts about the user and the machine.
 */
import childProcess from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import workerThreads from 'node:worker_threads';

function refuse(what: string): () => never {
  return () => {
    throw Object.assign(new Error(`${what} is not available in the sandbox`), { code: 'EACCES' });
  };
}

function replace(target: object, names: readonly string[], what: string): void {
  for (const name of names) {
    if (name in target) Object.defineProperty(target, name, { value: refuse(`${what}.${name}`), writable: false, configurable: false });
  }
}

/** Replaces network, process, signal and host-information functions with ones that throw. */
export function removeRelayCapabilities(): void {
  replace(net, ['connect', 'createConnection', 'createServer'], 'net');
  replace(net.Socket.prototype, ['connect'], 'net.Socket');
  replace(tls, ['connect', 'createServer'], 'tls');
  replace(http, ['request', 'get', 'createServer'], 'http');
  replace(https, ['request', 'get', 'createServer'], 'https');
  replace(dgram, ['createSocket'], 'dgram');
  replace(dns, ['lookup', 'resolve', 'resolve4', 'resolve6', 'lookupService'], 'dns');
  replace(childProcess, ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'child_process');
  replace(workerThreads, ['Worker'], 'worker_threads');
  replace(os, ['userInfo', 'hostname', 'networkInterfaces', 'homedir', 'cpus'], 'os');
  replace(process, ['kill', 'dlopen', 'getBuiltinModule', '_linkedBinding', 'binding', 'chdir', 'setuid', 'setgid'], 'process');
  for (const name of ['fetch', 'WebSocket', 'EventSource']) delete (globalThis as Record<string, unknown>)[name];
  // `import('node:...')` hands out copies of the named exports until they are synced.
  syncBuiltinESMExports();
}
