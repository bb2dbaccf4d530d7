/**
 * Checks a message from the sandbox before the client acts on it. The sandbox may be fully
 * compromised, so nothing it sends is taken on trust: every field is checked for type and size,
 * and the message is rebuilt from the checked fields alone. No `vscode` and no Node import.
 */
import {
  STARTUP_STEPS,
  type BrowserRestrictions,
  type DisplayData,
  type DisplayItem,
  type DisplayKind,
  type PythonError,
  type Restrictions,
  type RunOutcome,
  type RuntimeInfo,
  type SandboxMessage,
  type StartupMarks,
  type TraceFrame,
} from './protocol';

/** Limits on what one message may carry; a legitimate sandbox stays well inside them. */
export const MESSAGE_LIMITS = {
  /** One output message: the worker's output buffer holds 1 MiB, decoded to at most as many chars. */
  outputChars: 2 ** 20 + 16,
  /** An eval value (`json.dumps`); the worker refuses larger ones. */
  valueChars: 8 * 2 ** 20,
  /** repr() of a final expression, cut by the worker at 2000. */
  lastValueChars: 4096,
  errorTypeChars: 200,
  /** An exception message, cut by the worker. */
  errorMessageChars: 65_536,
  /** Traceback frames, collapsed by the worker to 50 and one for a SyntaxError. */
  frames: 64,
  promptChars: 4096,
  /** Short free text: versions, reasons, frame names. */
  shortChars: 1024,
  /** Types in one display bundle (display.py keeps at most as many). */
  displayItems: 32,
  /** One display item: 10 MiB of bytes, in base64 (display.py caps items at 10 MiB). */
  displayItemChars: 4 * Math.ceil((10 * 2 ** 20) / 3),
  /** Display messages one run may send (display.py stops there). */
  displaysPerRun: 1000,
  /** Characters of display data one run may send (display.py stops there). */
  displayCharsPerRun: 64 * 2 ** 20,
  /** A display id (display.py allows 200). */
  displayIdChars: 256,
} as const;

/** A message broke the protocol; `reason` is the client's own wording, never the sandbox's text. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

type Fields = Record<string, unknown>;

function fail(reason: string): never {
  throw new ProtocolError(reason);
}

function object(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} is not an object`);
  return value as Fields;
}

function string(value: unknown, what: string, maxChars: number): string {
  if (typeof value !== 'string') fail(`${what} is not a string`);
  if (value.length > maxChars) fail(`${what} is longer than ${maxChars} characters`);
  return value;
}

function optionalString(value: unknown, what: string, maxChars: number): string | undefined {
  return value === undefined ? undefined : string(value, what, maxChars);
}

function boolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') fail(`${what} is not a boolean`);
  return value;
}

function integer(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    fail(`${what} is not a whole number in [${min}, ${max}]`);
  return value;
}

function optionalInteger(value: unknown, what: string, min: number, max: number): number | undefined {
  return value === undefined ? undefined : integer(value, what, min, max);
}

/** Drops keys whose value is undefined, so rebuilt objects look like the sender's. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const MAX_LINE = 10_000_000;

function traceFrame(value: unknown): TraceFrame {
  const f = object(value, 'a traceback frame');
  return defined({
    line: integer(f.line, 'a frame line', 1, MAX_LINE),
    endLine: optionalInteger(f.endLine, 'a frame end line', 1, MAX_LINE),
    column: optionalInteger(f.column, 'a frame column', 0, MAX_LINE),
    endColumn: optionalInteger(f.endColumn, 'a frame end column', 0, MAX_LINE),
    name: string(f.name, 'a frame name', MESSAGE_LIMITS.shortChars),
  });
}

function pythonError(value: unknown): PythonError {
  const e = object(value, 'an error');
  if (!Array.isArray(e.frames) || e.frames.length > MESSAGE_LIMITS.frames)
    fail(`an error's frames are not a list of at most ${MESSAGE_LIMITS.frames}`);
  return {
    type: string(e.type, 'an error type', MESSAGE_LIMITS.errorTypeChars),
    message: string(e.message, 'an error message', MESSAGE_LIMITS.errorMessageChars),
    frames: e.frames.map(traceFrame),
  };
}

function outcome(value: unknown): RunOutcome {
  const o = object(value, 'an outcome');
  return defined({
    value: optionalString(o.value, 'a value', MESSAGE_LIMITS.valueChars),
    lastValue: optionalString(o.lastValue, 'a last value', MESSAGE_LIMITS.lastValueChars),
    error: o.error === undefined ? undefined : pythonError(o.error),
    truncated: boolean(o.truncated, 'truncated'),
    recycle: optionalString(o.recycle, 'a recycle reason', MESSAGE_LIMITS.shortChars),
    packageError: optionalString(o.packageError, 'a package load error', MESSAGE_LIMITS.errorMessageChars),
  });
}

function browserRestrictions(value: unknown): BrowserRestrictions {
  const b = object(value, 'browser restrictions');
  return {
    networkRemoved: boolean(b.networkRemoved, 'networkRemoved'),
    storageRemoved: boolean(b.storageRemoved, 'storageRemoved'),
    sharedMemory: boolean(b.sharedMemory, 'sharedMemory'),
  };
}

function restrictions(value: unknown): Restrictions {
  const r = object(value, 'restrictions');
  return defined({
    permissionModel: boolean(r.permissionModel, 'permissionModel'),
    hostFilesDenied: boolean(r.hostFilesDenied, 'hostFilesDenied'),
    childProcessDenied: boolean(r.childProcessDenied, 'childProcessDenied'),
    codeGenerationBlocked: boolean(r.codeGenerationBlocked, 'codeGenerationBlocked'),
    environmentEmpty: boolean(r.environmentEmpty, 'environmentEmpty'),
    browser: r.browser === undefined ? undefined : browserRestrictions(r.browser),
  });
}

function startupMarks(value: unknown): StartupMarks {
  const m = object(value, 'start-up marks');
  const marks: Record<string, number> = {};
  for (const step of STARTUP_STEPS) {
    const mark = m[step];
    if (typeof mark !== 'number' || !Number.isFinite(mark)) fail(`the start-up mark ${step} is not a number`);
    marks[step] = mark;
  }
  return marks as StartupMarks;
}

function runtimeInfo(value: unknown): RuntimeInfo {
  const r = object(value, 'runtime info');
  if (r.boot !== 'snapshot' && r.boot !== 'plain') fail('the boot mode is unknown');
  return defined({
    pythonVersion: string(r.pythonVersion, 'the Python version', 64),
    pyodideVersion: string(r.pyodideVersion, 'the Pyodide version', 64),
    boot: r.boot,
    snapshotFallback: optionalString(r.snapshotFallback, 'the snapshot fallback reason', MESSAGE_LIMITS.shortChars),
    loadMs: integer(r.loadMs, 'the load time', 0, 3_600_000),
    startup: r.startup === undefined ? undefined : startupMarks(r.startup),
  });
}

const runId = (value: unknown): number => integer(value, 'a run id', 1, Number.MAX_SAFE_INTEGER);

/** A MIME type without parameters (RFC 6838 names); display.py drops any other key. */
const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function displayItem(value: unknown): DisplayItem {
  const item = object(value, 'a display item');
  const mime = string(item.mime, 'a MIME type', 255);
  if (!MIME_TYPE.test(mime)) fail('a display item has no valid MIME type');
  const data = string(item.data, 'display data', MESSAGE_LIMITS.displayItemChars);
  if (item.encoding !== 'text' && item.encoding !== 'base64') fail('a display encoding is unknown');
  if (item.encoding === 'base64' && (data.length % 4 !== 0 || !BASE64.test(data))) fail('display data is not base64');
  return { mime, data, encoding: item.encoding };
}

function displayItems(value: unknown): DisplayItem[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MESSAGE_LIMITS.displayItems)
    fail(`display items are not a list of 1 to ${MESSAGE_LIMITS.displayItems}`);
  const items = value.map(displayItem);
  if (new Set(items.map((item) => item.mime)).size !== items.length) fail('a display bundle repeats a MIME type');
  return items;
}

const DISPLAY_KINDS: ReadonlySet<unknown> = new Set(['display', 'result', 'update', 'clear']);

/** A display message's data: a bundle (none for `clear`), and the display id and wait flag when there are. */
function displayData(m: Fields): DisplayData {
  if (!DISPLAY_KINDS.has(m.kind)) fail('a display kind is unknown');
  const kind = m.kind as DisplayKind;
  if (kind === 'clear') {
    if (!Array.isArray(m.items) || m.items.length > 0) fail('a clear has display items');
    return defined({ kind, items: [], wait: m.wait === undefined ? undefined : boolean(m.wait, 'the wait of a clear') });
  }
  const displayId = optionalString(m.displayId, 'a display id', MESSAGE_LIMITS.displayIdChars);
  if (kind === 'update' && displayId === undefined) fail('an update names no display id');
  return defined({ kind, items: displayItems(m.items), displayId });
}

/**
 * Checks that `value` is a well-formed message from the sandbox and returns a copy made of its
 * checked fields. Throws ProtocolError otherwise. Whether the message fits the moment (the run
 * it names is running, say) is the client's to check.
 */
export function parseSandboxMessage(value: unknown): SandboxMessage {
  const m = object(value, 'a message');
  switch (m.type) {
    case 'ready':
      return { type: 'ready', restrictions: restrictions(m.restrictions), runtime: runtimeInfo(m.runtime) };
    case 'failed':
      return { type: 'failed', message: string(m.message, 'a failure message', MESSAGE_LIMITS.promptChars) };
    case 'output':
      if (m.stream !== 'stdout' && m.stream !== 'stderr') fail('an output stream is unknown');
      return { type: 'output', id: runId(m.id), stream: m.stream, text: string(m.text, 'output text', MESSAGE_LIMITS.outputChars) };
    case 'input-request':
      return { type: 'input-request', id: runId(m.id), prompt: string(m.prompt, 'an input prompt', MESSAGE_LIMITS.promptChars) };
    case 'result':
      return { type: 'result', id: runId(m.id), outcome: outcome(m.outcome) };
    case 'display':
      return { type: 'display', id: runId(m.id), ...displayData(m) };
    default:
      return fail('a message has an unknown type');
  }
}
