import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Restrictions } from '../protocol';
import { codeGenerationBlocked, denied } from '../shared/probes';

/**
 * Measures what this process may do instead of trusting the flags it was started with:
 * Electron's Node, for one, may ignore permission flags.
 * @param distDir the folder this process is allowed to read; its parent must be unreadable.
 */
export function probeRestrictions(distDir: string): Restrictions {
  const permission = (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
  return {
    permissionModel: permission !== undefined,
    hostFilesDenied: denied(() => fs.readdirSync(path.dirname(path.resolve(distDir)))),
    childProcessDenied: permission !== undefined && !permission.has('child'),
    codeGenerationBlocked: codeGenerationBlocked(),
    environmentEmpty: Object.keys(process.env).length === 0,
  };
}
