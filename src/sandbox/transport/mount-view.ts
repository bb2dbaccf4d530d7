/**
 * A file system of the sandbox process's own, on Linux: the mount set-up that runs inside its
 * namespaces before Node starts. Node's permission model (20-24) does not cover Unix sockets,
 * and a network namespace isolates only abstract ones, so a process that sees the host's file
 * system can connect to any socket there by its path (the D-Bus session bus, Docker's, an
 * agent's, VS Code's own). In a mount namespace whose root is an empty tmpfs that holds only
 * what the process reads, none of them exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the process is shown of the host, besides its own /proc and nothing else. */
export interface MountViewRequest {
  /** Folders it reads (the extension's `dist/`, the package cache folder): read-only, at their own paths, nothing runs from them. */
  readonly readable: readonly string[];
  /** The binary that runs as Node (Node, or VS Code's Electron): its folder is shown too, read-only (Electron reads its data files there). */
  readonly execPath: string;
  /** It resolves host names (the package installer asks an index): the resolver's files in /etc are shown too. */
  readonly resolvesNames?: boolean;
}

/**
 * Runs as `sh -c` inside the new namespaces, with absolute tool paths and its data as arguments
 * (never spliced into the script), then the command to run, after `--`. The new root is built
 * on a tmpfs mounted at a host folder (`$root`), which first holds the set-up's two tables; the
 * new root covers it, and both go with the old root. `mount --all` takes a table, so two runs
 * of it make every mount: the folders (they make their mount points), then the single files
 * (their mount points are made here), and the tmpfs mounts made read-only. Then the process
 * pivots into the new root and detaches the old one, and setpriv drops every capability and
 * sets no_new_privs before Node starts: Node cannot mount, unmount or pivot its way back. `env`
 * takes out what shells add to the environment (dash PWD and OLDPWD, bash SHLVL even after an
 * unset): Node gets the environment the wrapper was given.
 */
const SETUP_SCRIPT = `set -e
mount=$1 umount=$2 pivot_root=$3 setpriv=$4 env=$5 ln=$6 root=$7 folders=$8 files=$9 localtime=\${10}
shift 10
"$mount" -t tmpfs -o mode=0700,size=64k sandbox-setup "$root"
printf '%s' "$folders" > "$root/folders"
printf '%s' "$files" > "$root/files"
exec 9< "$root/files"
"$mount" --all --fstab "$root/folders"
while [ "$1" != -- ]; do : > "$root$1"; shift; done
shift
[ -z "$localtime" ] || "$ln" -s "$localtime" "$root/etc/localtime"
"$mount" --all --fstab /proc/self/fd/9
exec 9<&-
cd "$root"
"$pivot_root" . .
"$umount" --lazy .
exec "$env" -u PWD -u OLDPWD -u SHLVL -u _ "$setpriv" --bounding-set=-all --inh-caps=-all --no-new-privs -- "$@"`;

/** Where the tools are, on every distribution that ships them (util-linux, and coreutils' `env` and `ln`). */
const SH = ['/bin/sh', '/usr/bin/sh'];
const MOUNT = ['/usr/bin/mount', '/bin/mount'];
const UMOUNT = ['/usr/bin/umount', '/bin/umount'];
const PIVOT_ROOT = ['/usr/sbin/pivot_root', '/sbin/pivot_root'];
export const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];
const ENV = ['/usr/bin/env', '/bin/env'];
const LN = ['/usr/bin/ln', '/bin/ln'];

/** Where the system keeps its libraries and the dynamic loader (some are links into /usr; a bind mount follows them). */
const SYSTEM_FOLDERS = ['/usr', '/lib', '/lib64', '/lib32', '/libx32'];

/** Devices that programs open without asking: the rest of /dev (disks, terminals, /dev/shm, /dev/log) stays out. */
const DEVICES = ['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom'];

/** The dynamic loader's cache of library folders: without it, only the default folders are searched. */
const LOADER_CACHE = '/etc/ld.so.cache';

/** What getaddrinfo reads to resolve a name (nothing else of /etc: no passwd, no ssl). */
const RESOLVER_FILES = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf'];

/** The local time zone: as a link (ICU reads the zone's name from it; a copy has it search every zone file). */
const LOCALTIME = '/etc/localtime';

/** Host folders that the set-up may cover with its tmpfs for a moment, the first one that holds no source. */
const ROOT_CANDIDATES = ['/tmp', '/mnt', '/run', '/var', '/opt', '/srv', '/media'];

/** Mount options: nothing runs from a folder but the system's and Node's, no device but the few, no set-user-ID anywhere. */
const READ_ONLY = 'bind,ro,nosuid,nodev,X-mount.mkdir';
const READ_ONLY_DATA = `${READ_ONLY},noexec`;
const TMPFS = 'nosuid,nodev,noexec,mode=0755';

/** A path as a field of an fstab line: whitespace and backslashes as octal escapes, which libmount reads back. */
export function fstabField(text: string): string {
  return text.replace(/[\t\n\v\f\r \\#]/g, (character) => `\\${character.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** One line of a table for `mount --all --fstab`. */
function fstabLine(source: string, target: string, type: string, options: string): string {
  return `${fstabField(source)} ${fstabField(target)} ${type} ${options} 0 0\n`;
}

function isDirectory(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() === true;
}

/** `file` is `folder` or inside it (both absolute and resolved). */
function within(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The real path of a file that exists, else undefined (a dangling link, nothing there). */
function realPath(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}

/**
 * The arguments for `sh` that build the view and then run the command after them (the last one
 * is `--`), or undefined where this host cannot have one: a tool is missing, or no folder can
 * hold the set-up. Folders inside another shown folder are shown through it.
 */
export function mountViewCommand(request: MountViewRequest): string[] | undefined {
  // Real paths: umount, env and setpriv run after the pivot, from the folders shown in the new root.
  const tool = (candidates: readonly string[]): string | undefined => {
    const found = candidates.find((file) => fs.existsSync(file));
    return found && realPath(found);
  };
  const [sh, mount, umount, pivotRoot, setpriv, env, ln] = [SH, MOUNT, UMOUNT, PIVOT_ROOT, SETPRIV, ENV, LN].map(tool);
  if (!sh || !mount || !umount || !pivotRoot || !setpriv || !env) return undefined;

  const folders: Array<{ readonly folder: string; readonly options: string }> = [];
  const show = (folder: string, options: string): void => {
    const resolved = path.resolve(folder);
    if (isDirectory(resolved) && !folders.some((shown) => within(resolved, shown.folder))) folders.push({ folder: resolved, options });
  };
  for (const folder of SYSTEM_FOLDERS) show(folder, READ_ONLY);
  for (const binary of [request.execPath, umount, env, setpriv]) show(path.dirname(realPath(binary) ?? binary), READ_ONLY);
  for (const folder of request.readable) show(folder, READ_ONLY_DATA);

  // Single files: each is mounted on an empty file the set-up makes, so its source is its real path.
  const files: Array<{ readonly source: string; readonly target: string; readonly options: string }> = [];
  for (const device of DEVICES) if (fs.existsSync(device)) files.push({ source: device, target: device, options: 'bind' });
  const etc = [LOADER_CACHE, ...(request.resolvesNames ? RESOLVER_FILES : [])];
  const localtime = fs.lstatSync(LOCALTIME, { throwIfNoEntry: false });
  const zoneLink = localtime?.isSymbolicLink() && ln ? fs.readlinkSync(LOCALTIME) : '';
  if (localtime && !zoneLink) etc.push(LOCALTIME);
  for (const file of etc) {
    const source = realPath(file);
    if (source && fs.statSync(source).isFile()) files.push({ source, target: file, options: 'bind,ro,nosuid,nodev,noexec' });
  }

  // Everything the set-up reaches after it covers the folder: the sources (by their real paths too) and its tools.
  const sources = [
    ...folders.flatMap(({ folder }) => [folder, realPath(folder) ?? folder]),
    ...files.map((file) => file.source),
    mount,
    pivotRoot,
  ];
  const root = ROOT_CANDIDATES.find(
    (candidate) =>
      fs.lstatSync(candidate, { throwIfNoEntry: false })?.isDirectory() && !sources.some((source) => within(source, candidate)),
  );
  if (!root) return undefined;
  const at = (target: string): string => (target === '/' ? root : path.join(root, target));

  const folderTable = [
    fstabLine('sandbox-root', root, 'tmpfs', `${TMPFS},size=64k`),
    ...folders.map(({ folder, options }) => fstabLine(folder, at(folder), 'none', options)),
    fstabLine('sandbox-dev', at('/dev'), 'tmpfs', `X-mount.mkdir,${TMPFS},size=4k`),
    fstabLine('sandbox-etc', at('/etc'), 'tmpfs', `X-mount.mkdir,${TMPFS},size=4k`),
    fstabLine('proc', at('/proc'), 'proc', 'X-mount.mkdir,nosuid,nodev,noexec'),
  ].join('');
  const fileTable = [
    ...files.map(({ source, target, options }) => fstabLine(source, at(target), 'none', options)),
    // A source of its own, or `mount --all` takes each for mounted already and skips it.
    ...['/', '/dev', '/etc'].map((tmpfs) => fstabLine('remount', at(tmpfs), 'tmpfs', `remount,ro,${TMPFS}`)),
  ].join('');
  return [
    sh,
    '-c',
    SETUP_SCRIPT,
    'sh',
    mount,
    umount,
    pivotRoot,
    setpriv,
    env,
    ln ?? '',
    root,
    folderTable,
    fileTable,
    zoneLink,
    ...files.map((file) => file.target),
    '--',
  ];
}
