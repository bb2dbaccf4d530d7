import * as fs from 'node:fs';
import { startTracked } from './processes';

/**
 * Starts Xvfb on a display number it picks itself (-displayfd) and resolves with ":N".
 * The process is tracked, so it ends with the launcher.
 */
export function startVirtualDisplay(): Promise<string> {
  const xvfb = '/usr/bin/Xvfb';
  if (!fs.existsSync(xvfb)) {
    return Promise.reject(new Error('no DISPLAY and no Xvfb: install it with apt-get install -y xvfb'));
  }
  const child = startTracked(xvfb, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const fd3 = child.stdio[3] as NodeJS.ReadableStream;
    fd3.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000).unref();
  });
}
