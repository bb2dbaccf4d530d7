/**
 * The package installer process (`dist/package-installer.js`): resolves PyPI requirements
 * with micropip in a Pyodide of its own and reports the wheels micropip would install, without
 * installing them. It has the network (Node's fetch) and runs micropip only, never user code and
 * never a wheel's. `InstallerProcess` starts it for one request, sent as a frame on fd 3, and it
 * exits after answering with one frame there.
 */
import * as fs from 'node:fs';
import { Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadPyodide, type PyodideAPI } from 'pyodide';
import { encodeFrame, FrameReader } from '../../sandbox/framing';
import { reasonOf } from '../errors';
import type { InstallerReply, InstallerRequest } from '../node-installer';
import resolveScript from './resolve.py';

/**
 * Node's permission model refuses `process.binding`, and Pyodide's Node file system asks it for
 * one thing only, the file-flag constants, which `fs.constants` has too.
 */
function answerConstantsBinding(): void {
  const node = process as unknown as { binding(name: string): unknown };
  const binding = node.binding.bind(process);
  node.binding = (name) => (name === 'constants' ? { fs: fs.constants, os: os.constants } : binding(name));
}

async function resolve(request: InstallerRequest): Promise<InstallerReply> {
  answerConstantsBinding();
  const pyodide: PyodideAPI = await loadPyodide({
    indexURL: path.join(request.distDir, 'pyodide') + path.sep,
    lockFileContents: request.lockJson,
    // Pyodide in Node writes what it downloads below packageCacheDir (the working directory
    // by default). Nothing is downloaded through it here; the folder already exists.
    packageCacheDir: path.dirname(request.micropipLocation),
    stdout: () => undefined,
    stderr: () => undefined,
  });
  await pyodide.loadPackage(request.micropipLocation, { messageCallback: () => undefined });
  // Nothing else is loaded into this Pyodide: loading a package installs it, and installing an
  // emscripten wheel instantiates its WebAssembly libraries, whose constructors run at once.
  // resolve.py only gathers micropip's transaction; a path that would still load is refused.
  pyodide.loadPackage = () => Promise.reject(new Error('the package installer loads no package'));
  pyodide.runPython(resolveScript);
  const resolveInPython = pyodide.globals.get('resolve') as (requirements: unknown, indexUrl: string) => Promise<string>;
  const answer = JSON.parse(await resolveInPython(pyodide.toPy(request.requirements), request.indexUrl)) as {
    wheels?: unknown;
    error?: string;
  };
  return answer.error === undefined ? { type: 'resolved', wheels: answer.wheels } : { type: 'failed', message: answer.error };
}

function main(): void {
  const channel = new Socket({ fd: 3, readable: true, writable: true });
  const frames = new FrameReader();
  let started = false;
  channel.on('data', (chunk: Buffer) => {
    const [request] = frames.push(chunk);
    if (request === undefined || started) return;
    started = true;
    void resolve(request as InstallerRequest)
      .catch((error: unknown): InstallerReply => ({ type: 'failed', message: reasonOf(error) }))
      // The host refuses a longer message as a broken reply; its head says what went wrong.
      .then((reply) => (reply.type === 'failed' ? { ...reply, message: reply.message.slice(0, 8192) } : reply))
      .then((reply) => channel.write(encodeFrame(reply), () => process.exit(0)));
  });
  // The host went away: there is no one to answer.
  channel.on('close', () => process.exit(0));
}

main();
