/**
 * Every message of the runtime, as tagged unions (`type`); replies carry the `id` of their run.
 * Two legs: the client <-> the sandbox (frames on a pipe to the sandbox process, see framing.ts),
 * and the sandbox process's relay <-> the Pyodide worker (postMessage).
 *
 * The client trusts nothing that comes back, so what the sandbox sends it is defined here once,
 * as schemas (schema.ts): each is the message's type and its check, with a bound on every
 * string and list. The relay builds some of these messages and Python (runner.py, display.py)
 * the rest of their contents; the runtime tests check what a real sandbox sends against these
 * schemas, field by field. What the client sends, and what the relay and the worker say to each
 * other, is trusted on arrival and defined as plain types.
 */
import {
  array,
  boolean,
  integer,
  messages,
  number,
  object,
  oneOf,
  optional,
  refine,
  string,
  type Infer,
  type ObjectOf,
  type Schema,
} from './schema';
import { isSaveablePath } from './shared/workspace-paths';

/** `exec` runs statements and returns their output; `eval` returns `json.dumps(value)`. */
export type RunMode = 'exec' | 'eval';

/**
 * When an exec's final bare expression becomes display data: `none`; `rich`, only when it has
 * more than text/plain (the editor, whose inline value shows the repr); `all`, unless it is None
 * (notebooks, as Jupyter).
 */
export type LastValueDisplay = 'none' | 'rich' | 'all';

const STREAM_NAMES = ['stdout', 'stderr'] as const;

/** A stream the sandboxed code writes to. */
export type StreamName = (typeof STREAM_NAMES)[number];

/** What one run asks of the runtime. */
export interface RunRequest {
  readonly mode: RunMode;
  readonly code: string;
  /** Run in a new, empty namespace instead of the runtime's persistent one. */
  readonly fresh: boolean;
  /** Drop output in the worker instead of streaming it (used to measure output cost). */
  readonly discardOutput: boolean;
  /** For exec: evaluate a final bare expression separately and report its repr. */
  readonly captureLastValue: boolean;
  /** For exec: whether a final bare expression's value is sent as display data (`display` of kind `result`). */
  readonly displayLastValue: LastValueDisplay;
  /**
   * For exec: the run is notebook cell `[N]`, so its shown value is `Out[N]` and `_N` (IPython's
   * history). Without it the runtime counts its own runs.
   */
  readonly executionCount?: number;
  /** Output beyond this many bytes is dropped and the result says it was truncated. */
  readonly maxOutputBytes: number;
  /** Packages to load before the code runs (dependencies first); a failure to load any ends the run before its code. */
  readonly packages?: readonly PackageFile[];
  /**
   * The workspace files the run may read, and its working directory among them. Absent: the
   * sandbox's files and working directory stay as they are (runtimes that never see a workspace).
   */
  readonly workspace?: RunWorkspace;
  /** Instead of running code: send the bytes of a file an earlier run wrote (`file-data` messages), then the result. */
  readonly readOutput?: OutputFile;
  /** For exec: the code is a script file, run as `python3 path args...` runs it. */
  readonly script?: RunScript;
}

/** A script file as python3 runs it: the code is compiled as `path` (its `__file__`), and `sys.argv` is `argv`. */
export interface RunScript {
  /** Relative to the run's working directory, or absolute in the sandbox's file system. */
  readonly path: string;
  /** `sys.argv`: the path as given, then the script's arguments. */
  readonly argv: readonly string[];
}

/** A granted file as a run names it: where the sandbox shows it, and which version of it. */
export interface MountedFile {
  /** Relative to the workspace root, '/'-separated (shared/workspace-paths.ts). */
  readonly path: string;
  readonly size: number;
  /** When the file was last modified (epoch milliseconds): with its size, its version. */
  readonly mtimeMs: number;
  /** Its bytes come with this run (the sandbox lacks this version); otherwise the sandbox has them from an earlier one. */
  readonly sent: boolean;
}

/** What a run sees of the workspace: every file it may read, read-only, and where it starts. */
export interface RunWorkspace {
  /** The working directory, relative to the workspace root ('' for the root itself). */
  readonly cwd: string;
  /** Every file the run may read. Files an earlier run could read that are not listed are gone for this one. */
  readonly files: readonly MountedFile[];
  /** Added to a FileNotFoundError for a path in the workspace: how the user grants more (the host's words). */
  readonly notFoundHint: string;
}

/**
 * A package's verified file in the package cache, to load into the runtime: what Pyodide's lock
 * says of it, and where the sandbox process reads it (it may read the package cache folder).
 */
export interface PackageFile {
  /** Canonical (PEP 503) name. */
  readonly name: string;
  readonly version: string;
  /** A plain file name: the wheel's (or the shared-library zip's) name, which Pyodide reads tags from. */
  readonly fileName: string;
  /** Absolute path of the file in the package cache. */
  readonly path: string;
  /** Lower-case hex; the sandbox process checks the file against it before loading. */
  readonly sha256: string;
  /** Canonical names of the packages it needs: loaded before it, or already. */
  readonly depends: readonly string[];
  readonly imports: readonly string[];
  /** `package`, or `shared_library`. */
  readonly packageType: string;
  /** `site` or `dynlib`. */
  readonly installDir: string;
}

/** Limits on what one message from the sandbox may carry; a legitimate sandbox stays well inside them. */
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
  /** Notes on one exception (PEP 678; runner.py keeps 20). */
  notes: 20,
  /** One note: runner.py cuts it at 4096 code points, which may be twice as many UTF-16 units. */
  noteChars: 8192,
  /** Exceptions chained before an error (runner.py keeps the 8 nearest it). */
  chainedErrors: 8,
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
  /** Variables in one answer (a page of the namespace or of a value's children; variables.py sends no more than asked). */
  variablesPerAnswer: 500,
  /** A variable's short value (variables.py cuts it where the query says, at most here). */
  variableValueChars: 4096,
  /** A variable's name, type or summary, or why it could not be read (variables.py cuts them at 200 and 1000). */
  variableTextChars: 1024,
  /** Rows and columns of a table (variables.py sends at most 1,000 rows and 100 columns). */
  tableRows: 1000,
  tableColumns: 100,
  /** One table cell or column name (cut at 100 by variables.py). */
  tableCellChars: 256,
  /** All the cells of one table together (variables.py stops adding rows before 2 Mi). */
  tableChars: 4 * 2 ** 20,
  /** Files written under output/ that one result lists (the worker lists no more, and counts the rest). */
  outputFiles: 1000,
  /** Bytes in one `file-data` message (the worker sends a file in chunks of this size). */
  fileChunkBytes: 4 * 2 ** 20,
} as const;

const MAX_LINE = 10_000_000;

/** A traceback frame inside the submitted code. Lines are 1-based, columns 0-based. */
const TRACE_FRAME = object('a traceback frame', {
  line: integer('a frame line', 1, MAX_LINE),
  endLine: optional(integer('a frame end line', 1, MAX_LINE)),
  column: optional(integer('a frame column', 0, MAX_LINE)),
  endColumn: optional(integer('a frame end column', 0, MAX_LINE)),
  /** The function the frame ran in, `<module>` at top level. */
  name: string('a frame name', MESSAGE_LIMITS.shortChars),
  /**
   * Under a binary operation or a subscript that raised on one line: the operator, or the
   * brackets, which python3 marks with `^` among `~` (columns in characters of the line).
   */
  operatorStart: optional(integer('a frame operator column', 0, MAX_LINE)),
  operatorEnd: optional(integer('a frame operator end column', 0, MAX_LINE)),
  /** How many times in a row the same frame ran (recursion), where more than once: it is sent once. */
  repeats: optional(integer('a frame repeat count', 2, 2 ** 31 - 1)),
});
export type TraceFrame = Infer<typeof TRACE_FRAME>;

/** What every exception of an error's chain has: the contract's `TypeName: message`, plus where it happened. */
const EXCEPTION_FIELDS = {
  type: string('an error type', MESSAGE_LIMITS.errorTypeChars),
  message: string('an error message', MESSAGE_LIMITS.errorMessageChars),
  /** Outermost first; the last frame is where the exception was raised. */
  frames: array("an error's frames", TRACE_FRAME, 0, MESSAGE_LIMITS.frames),
  /** Its notes (`add_note`, PEP 678), which python3 prints after the `TypeName: message` line. */
  notes: optional(array("an error's notes", string('an error note', MESSAGE_LIMITS.noteChars), 1, MESSAGE_LIMITS.notes)),
};

/**
 * An exception python3 prints above the one a run ended with, and how it led to the next one:
 * `cause` (`raise ... from` it), or `context` (the next was raised while handling it).
 */
const CHAINED_ERROR = object('a chained error', {
  ...EXCEPTION_FIELDS,
  link: oneOf('a chained error link', ['cause', 'context']),
});
export type ChainedError = Infer<typeof CHAINED_ERROR>;

/** A Python exception as a value: the contract's `TypeName: message`, plus where it happened. */
const PYTHON_ERROR = object('an error', {
  ...EXCEPTION_FIELDS,
  /** The exceptions before it that python3 prints above it (`__cause__`, `__context__`), oldest first. */
  chain: optional(array("an error's chain", CHAINED_ERROR, 1, MESSAGE_LIMITS.chainedErrors)),
  /**
   * A SystemExit whose code is None or an int: the status python3 would exit with (0 for None,
   * else the code's low byte), and nothing to print. Other codes are printed and exit 1.
   */
  exitStatus: optional(integer('an exit status', 0, 255)),
});
export type PythonError = Infer<typeof PYTHON_ERROR>;

/** A file the code wrote under output/, as the run's result lists it; the host may ask for its bytes afterwards. */
const OUTPUT_FILE = object('an output file', {
  /** Relative to the workspace root: `output/`, or `<the working directory>/output/`, then the file's path. */
  path: refine(string('an output file path', 1024), isSaveablePath, 'an output file path is not a path that can be saved'),
  size: integer('an output file size', 0, Number.MAX_SAFE_INTEGER),
  /** When it was last modified (epoch milliseconds): with its size, the version the host asks for. */
  mtimeMs: number('an output file time'),
});
export type OutputFile = Infer<typeof OUTPUT_FILE>;

/**
 * Checks an output file as a result listed it, when it comes back from somewhere the host does
 * not keep (a notebook's saved outputs, a webview's message). Throws ProtocolError.
 */
export const parseOutputFile: (value: unknown) => OutputFile = OUTPUT_FILE.parse;

/** How a run ended inside the worker. Output travels separately, as `output` messages. */
const RUN_OUTCOME = object('an outcome', {
  /** `json.dumps` of the value, for a successful `eval`. */
  value: optional(string('a value', MESSAGE_LIMITS.valueChars)),
  /**
   * The text of the last value an exec's code showed (its final bare expression), when
   * `captureLastValue` asked for it: as IPython shows it (its pretty printer) when the value is
   * also displayed (`displayLastValue` other than `none`), else its repr().
   */
  lastValue: optional(string('a last value', MESSAGE_LIMITS.lastValueChars)),
  error: optional(PYTHON_ERROR),
  /** Output went past `maxOutputBytes` and the rest was dropped. */
  truncated: boolean('truncated'),
  /** The runtime must be replaced before the next run (e.g. after hitting the memory cap). */
  recycle: optional(string('a recycle reason', MESSAGE_LIMITS.shortChars)),
  /** The run's packages could not be loaded (why); its code did not run. */
  packageError: optional(string('a package load error', MESSAGE_LIMITS.errorMessageChars)),
  /** Files the run wrote under output/ of its working directory (a run with a workspace only). */
  outputFiles: optional(array('output files', OUTPUT_FILE, 0, MESSAGE_LIMITS.outputFiles)),
  /** Files it wrote there that are not listed: past the limit, or named so that they cannot be saved. */
  outputFilesOmitted: optional(integer('omitted output files', 1, Number.MAX_SAFE_INTEGER)),
});
export type RunOutcome = Infer<typeof RUN_OUTCOME>;

/** A browser worker's own probes, made after it removed its capabilities and before Pyodide started. */
const BROWSER_RESTRICTIONS = object('browser restrictions', {
  /** No network API is left on the global scope or its prototypes: fetch, XMLHttpRequest, WebSocket, EventSource, importScripts, Worker, ... */
  networkRemoved: boolean('networkRemoved'),
  /** No storage API is left: indexedDB, caches, navigator.storage, file systems, BroadcastChannel. */
  storageRemoved: boolean('storageRemoved'),
  /** SharedArrayBuffer is there (cross-origin isolated): interrupts, input() and time.sleep work as on the desktop. */
  sharedMemory: boolean('sharedMemory'),
});
export type BrowserRestrictions = Infer<typeof BROWSER_RESTRICTIONS>;

/** The restrictions the sandbox process found in force when it started (probed, not assumed). */
const RESTRICTIONS = object('restrictions', {
  /** Node's permission model is on. */
  permissionModel: boolean('permissionModel'),
  /** A host file outside the runtime's own assets could not be read. */
  hostFilesDenied: boolean('hostFilesDenied'),
  /** Starting a child process is denied. */
  childProcessDenied: boolean('childProcessDenied'),
  /** `new Function('...')` threw: code generation from strings is off. */
  codeGenerationBlocked: boolean('codeGenerationBlocked'),
  /** The process saw no environment variables. */
  environmentEmpty: boolean('environmentEmpty'),
  /** What a browser worker found after its lock-down (absent on Node). */
  browser: optional(BROWSER_RESTRICTIONS),
});
export type Restrictions = Infer<typeof RESTRICTIONS>;

/** `snapshot` restores the bundled memory snapshot (falling back to `plain`), `plain` boots Python. */
const BOOT_MODES = ['snapshot', 'plain'] as const;
export type BootMode = (typeof BOOT_MODES)[number];

/**
 * The steps on a sandbox's path to ready, in order; each mark is when that step ended. The relay
 * reads and compiles Pyodide's files while the worker starts: `assetsReceived` is when the
 * worker had them, which is later than `pyodideImported` only if it had to wait.
 */
export const STARTUP_STEPS = [
  'relayStarted',
  'workerStarted',
  'pyodideImported',
  'assetsReceived',
  'wasmReady',
  'pythonReady',
  'lockedDown',
] as const;

/** Epoch milliseconds at the end of each start-up step. */
const STARTUP_MARKS = object(
  'start-up marks',
  Object.fromEntries(STARTUP_STEPS.map((step) => [step, number(`the start-up mark ${step}`)])) as Record<
    (typeof STARTUP_STEPS)[number],
    Schema<number>
  >,
);
export type StartupMarks = Infer<typeof STARTUP_MARKS>;

/** Facts about the loaded runtime, reported once it is ready. */
const RUNTIME_INFO = object('runtime info', {
  pythonVersion: string('the Python version', 64),
  pyodideVersion: string('the Pyodide version', 64),
  /** How Python's memory was set up: restored from the bundled snapshot, or a plain boot. */
  boot: oneOf('the boot mode', BOOT_MODES),
  /** Why the snapshot was not used, when it was not. */
  snapshotFallback: optional(string('the snapshot fallback reason', MESSAGE_LIMITS.shortChars)),
  loadMs: integer('the load time', 0, 3_600_000),
  /** When each start-up step ended, as epoch milliseconds (`performance.timeOrigin + now()`), for the benchmark. */
  startup: optional(STARTUP_MARKS),
});
export type RuntimeInfo = Infer<typeof RUNTIME_INFO>;

// ---------------------------------------------------------------------------------------------
// Client -> sandbox (the relay passes `run` on to the worker)

/** Client -> sandbox -> worker: run code; answered by `output` messages and one `result`. */
export interface RunMessage {
  readonly type: 'run';
  readonly id: number;
  readonly request: RunRequest;
  /**
   * The bytes of the workspace files marked `sent`, in their order, each in a buffer of its own
   * (moved to the worker, not copied). To a sandbox process they travel as raw frames ahead of
   * the run's own frame (framing.ts), since the process has no file system to read them from.
   */
  readonly files?: readonly Uint8Array[];
}

/** Client -> sandbox: raise KeyboardInterrupt in the run with this id, if it is running. */
export interface InterruptMessage {
  readonly type: 'interrupt';
  readonly id: number;
}

/** Client -> sandbox: the answer to an `input-request`; `null` means end of input (EOFError). */
export interface InputReplyMessage {
  readonly type: 'input-reply';
  readonly id: number;
  readonly text: string | null;
}

/**
 * Where a value is in the namespace: a name, then steps to a child, each a position among a
 * container's items (a number) or an attribute's name (a string), as the answer that listed the
 * children said (`by`).
 */
export type VariablePath = readonly (string | number)[];

/** How long reading values may take inside the sandbox, in milliseconds. */
export interface VariablesBudget {
  /** One value: its summary, its short value, or a step of a path (`__repr__`, `__len__`, a property). */
  readonly valueMs: number;
  /** The whole query; values it has no time left for are listed without being read. */
  readonly totalMs: number;
}

/**
 * What the Variables view, a hover or a table asks of the runtime's persistent namespace. It
 * runs between runs, never in one: no code is run, nothing enters the history, nothing is
 * counted, and what reading values calls (`__repr__`, `__len__`, properties) has the budget.
 */
export type VariablesQuery =
  /** A page of the namespace's names, sorted; names starting with `_` are never listed, and with `hide`, neither are modules, functions and classes. */
  | {
      readonly op: 'names';
      readonly offset: number;
      readonly limit: number;
      readonly hide: boolean;
      readonly valueChars: number;
      readonly budget: VariablesBudget;
    }
  /** The value at `path` alone (a hover), or no entry when there is none. */
  | { readonly op: 'lookup'; readonly path: VariablePath; readonly valueChars: number; readonly budget: VariablesBudget }
  /** A page of the children of the value at `path`: its items, or its attributes. */
  | {
      readonly op: 'children';
      readonly path: VariablePath;
      readonly offset: number;
      readonly limit: number;
      readonly valueChars: number;
      readonly budget: VariablesBudget;
    }
  /** The value at `path` as a table (a list of rows, a dict of columns, a data frame, a 2-D array): its first `maxRows` rows. */
  | { readonly op: 'table'; readonly path: VariablePath; readonly maxRows: number; readonly budget: VariablesBudget };

/** Client -> sandbox -> worker: read the namespace; answered by one `variables-result` and nothing else. */
export interface VariablesMessage {
  readonly type: 'variables';
  readonly id: number;
  readonly query: VariablesQuery;
}

/** Everything the client sends the sandbox. */
export type ClientMessage = RunMessage | InterruptMessage | InputReplyMessage | VariablesMessage;

// ---------------------------------------------------------------------------------------------
// Sandbox -> client (untrusted: each is checked against SANDBOX_MESSAGE)

/** A MIME type without parameters (RFC 6838 names); display.py drops any other key. */
const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One representation of a displayed object. */
const DISPLAY_ITEM = refine(
  object('a display item', {
    /** A MIME type without parameters, e.g. `image/png`. */
    mime: refine(string('a MIME type', 255), (mime) => MIME_TYPE.test(mime), 'a display item has no valid MIME type'),
    /** The text itself, or the bytes in base64. */
    data: string('display data', MESSAGE_LIMITS.displayItemChars),
    encoding: oneOf('a display encoding', ['text', 'base64']),
  }),
  (item) => item.encoding !== 'base64' || (item.data.length % 4 === 0 && BASE64.test(item.data)),
  'display data is not base64',
);
export type DisplayItem = Infer<typeof DISPLAY_ITEM>;

/** An object shown as a MIME bundle: each item a representation of it, text/plain among them. */
const DISPLAY_DATA = {
  /**
   * `display` for display() and plt.show(); `result` for a run's final expression (Jupyter's
   * execute_result); `update` replaces what was displayed with its `displayId` (update_display);
   * `clear` clears the run's output so far (clear_output), and has no items.
   */
  kind: oneOf('a display kind', ['display', 'result', 'update', 'clear']),
  items: refine(
    array('display items', DISPLAY_ITEM, 0, MESSAGE_LIMITS.displayItems),
    (items) => new Set(items.map((item) => item.mime)).size === items.length,
    'a display bundle repeats a MIME type',
  ),
  /** display(obj, display_id=...): the id a later `update` names (Jupyter's transient display_id). */
  displayId: optional(string('a display id', MESSAGE_LIMITS.displayIdChars)),
  /** For `clear`: clear only when the next output arrives (clear_output(wait=True)). */
  wait: optional(boolean('the wait of a clear')),
};
export type DisplayData = ObjectOf<typeof DISPLAY_DATA>;
export type DisplayKind = DisplayData['kind'];

/** What a display's kind asks of its other fields: items but for a clear, none for it; an update names its display id. */
function displayFits(display: DisplayData): boolean {
  return (display.kind === 'clear') === (display.items.length === 0) && (display.kind !== 'update' || display.displayId !== undefined);
}

const RUN_ID = integer('a run id', 1, Number.MAX_SAFE_INTEGER);

const VARIABLE_TEXT = MESSAGE_LIMITS.variableTextChars;

/** One value as the Variables view shows it; every text in it is made by code in the sandbox. */
const VARIABLE = object('a variable', {
  /** Its name, its position in a container, or its key's repr in a dict. */
  name: string('a variable name', VARIABLE_TEXT),
  /** The type's qualified name (`list`, `DataFrame`); empty when the value could not be had. */
  type: string('a variable type', VARIABLE_TEXT),
  /** What the filter of modules, functions and classes goes by. */
  kind: oneOf('a variable kind', ['data', 'module', 'function', 'class']),
  /** Its size: a length, a shape and dtype, rows, columns and dtypes. */
  summary: optional(string('a variable summary', VARIABLE_TEXT)),
  /** Its value, short (a repr cut to the query's `valueChars`). */
  value: optional(string('a variable value', MESSAGE_LIMITS.variableValueChars)),
  /** It has children (items or attributes) to list. */
  expandable: boolean('expandable'),
  /** It can be shown as a table. */
  table: boolean('table'),
  /** Why its value or summary could not be had (it raised, it took too long, the query's time was spent). */
  unavailable: optional(string('why a variable is unavailable', VARIABLE_TEXT)),
});
export type Variable = Infer<typeof VARIABLE>;

/** A value as a table: its first rows, each cell a value's text, and its full size. */
const VARIABLE_TABLE = refine(
  refine(
    object('a table', {
      columns: array('table columns', string('a column name', MESSAGE_LIMITS.tableCellChars), 0, MESSAGE_LIMITS.tableColumns),
      rows: array(
        'table rows',
        array('table cells', string('a table cell', MESSAGE_LIMITS.tableCellChars), 0, MESSAGE_LIMITS.tableColumns),
        0,
        MESSAGE_LIMITS.tableRows,
      ),
      totalRows: integer('a table row count', 0, Number.MAX_SAFE_INTEGER),
      totalColumns: integer('a table column count', 0, Number.MAX_SAFE_INTEGER),
    }),
    (table) => table.rows.every((row) => row.length === table.columns.length),
    'a table row does not have one cell per column',
  ),
  (table) => table.rows.reduce((n, row) => row.reduce((m, cell) => m + cell.length, n), 0) <= MESSAGE_LIMITS.tableChars,
  'a table holds more characters than a table may',
);
export type VariableTable = Infer<typeof VARIABLE_TABLE>;

/** What a variables query found. */
const VARIABLES_ANSWER = object('a variables answer', {
  /** The page asked for (or the one value looked up). */
  entries: array('variables', VARIABLE, 0, MESSAGE_LIMITS.variablesPerAnswer),
  /** How many there are in all, of which `entries` is a page. */
  total: integer('a variable count', 0, Number.MAX_SAFE_INTEGER),
  /** How the children listed are reached: by position (`item`) or by name (`attr`). */
  by: optional(oneOf('how children are reached', ['item', 'attr'])),
  table: optional(VARIABLE_TABLE),
  /** Why the answer is empty or partial: the path is gone, the value is no table, the query was interrupted. */
  problem: optional(string('a variables problem', VARIABLE_TEXT)),
  /** The runtime must be replaced (reading a value reached the memory cap). */
  recycle: optional(string('a recycle reason', MESSAGE_LIMITS.shortChars)),
});
export type VariablesAnswer = Infer<typeof VARIABLES_ANSWER>;

/** Everything the sandbox sends the client. */
export const SANDBOX_MESSAGE = refine(
  messages('a message', {
    /** The runtime is loaded and these restrictions hold. */
    ready: { restrictions: RESTRICTIONS, runtime: RUNTIME_INFO },
    /** The sandbox could not start; the process exits after sending it. */
    failed: { message: string('a failure message', MESSAGE_LIMITS.promptChars) },
    /** Text the running code wrote, in the order written. */
    output: { id: RUN_ID, stream: oneOf('an output stream', STREAM_NAMES), text: string('output text', MESSAGE_LIMITS.outputChars) },
    /** Also worker -> relay: the running code called input(); reply with `input-reply`. */
    'input-request': { id: RUN_ID, prompt: string('an input prompt', MESSAGE_LIMITS.promptChars) },
    /** Also worker -> relay: the run with this id has ended. */
    result: { id: RUN_ID, outcome: RUN_OUTCOME },
    /**
     * Also worker -> relay: the running code displayed an object. It comes in order with the
     * output: the relay forwards the output written before it first, and the worker waits until
     * the relay has sent it before it writes more.
     */
    display: { id: RUN_ID, ...DISPLAY_DATA },
    /** Also worker -> relay: the answer to the `variables` query with this id. */
    'variables-result': { id: RUN_ID, answer: VARIABLES_ANSWER },
    /** Also worker -> relay: the next part of the file a `readOutput` run asked for, in base64. */
    'file-data': {
      id: RUN_ID,
      data: refine(
        string('file data', 4 * Math.ceil(MESSAGE_LIMITS.fileChunkBytes / 3)),
        (data) => data.length % 4 === 0 && BASE64.test(data),
        'file data is not base64',
      ),
    },
  }),
  (message) => message.type !== 'display' || displayFits(message),
  'a display does not fit its kind (items but for a clear, an id for an update)',
);
export type SandboxMessage = Infer<typeof SANDBOX_MESSAGE>;
export type ReadyMessage = Extract<SandboxMessage, { type: 'ready' }>;
export type FailedMessage = Extract<SandboxMessage, { type: 'failed' }>;
export type OutputMessage = Extract<SandboxMessage, { type: 'output' }>;
export type InputRequestMessage = Extract<SandboxMessage, { type: 'input-request' }>;
export type ResultMessage = Extract<SandboxMessage, { type: 'result' }>;
export type DisplayMessage = Extract<SandboxMessage, { type: 'display' }>;
export type VariablesResultMessage = Extract<SandboxMessage, { type: 'variables-result' }>;
export type FileDataMessage = Extract<SandboxMessage, { type: 'file-data' }>;

/**
 * Checks that `value` is a well-formed message from the sandbox and returns a copy made of its
 * checked fields. Throws ProtocolError otherwise. Whether the message fits the moment (the run
 * it names is running, say) is the client's to check.
 */
export const parseSandboxMessage: (value: unknown) => SandboxMessage = SANDBOX_MESSAGE.parse;

// ---------------------------------------------------------------------------------------------
// Worker -> relay

/** Worker -> relay: Pyodide is loaded and locked down; the relay adds its own start-up marks. */
export interface LoadedMessage {
  readonly type: 'loaded';
  readonly runtime: RuntimeInfo;
  readonly marks: Omit<StartupMarks, 'relayStarted'>;
  readonly codeGenerationBlocked: boolean;
}

/** Relay -> worker: every byte the worker loads, and Pyodide's WebAssembly already compiled. */
export interface AssetsMessage {
  readonly type: 'assets';
  readonly assets: WorkerAssets;
  /** Compiled while the worker started; absent when compiling failed (the worker compiles the bytes). */
  readonly module?: WebAssembly.Module;
  /** Byte ranges of the snapshot that hold only zeros ([start, end) pairs, in order), which its restore need not write. */
  readonly snapshotZeros?: readonly number[];
}

/** Worker -> relay: the shared output buffer is full; drain it now. */
export interface DrainMessage {
  readonly type: 'drain';
}

/** Worker -> build script: a memory snapshot of a freshly booted runtime. */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly bytes: Uint8Array;
}

/** Worker -> relay: loading failed. */
export interface LoadFailedMessage {
  readonly type: 'load-failed';
  readonly message: string;
}

/** Relay -> worker: load these packages (their files' bytes, in the same order) before the run with this id. */
export interface LoadPackagesMessage {
  readonly type: 'load-packages';
  readonly id: number;
  readonly packages: readonly PackageFile[];
  readonly files: readonly Uint8Array[];
}

/** Worker -> relay: the packages of the run with this id are loaded, or why not. */
export interface PackagesLoadedMessage {
  readonly type: 'packages-loaded';
  readonly id: number;
  readonly error?: string;
}

/** Everything the worker sends the relay (or, for a snapshot, the build script). */
export type WorkerMessage =
  | LoadedMessage
  | ResultMessage
  | InputRequestMessage
  | DrainMessage
  | SnapshotMessage
  | LoadFailedMessage
  | DisplayMessage
  | FileDataMessage
  | PackagesLoadedMessage
  | VariablesResultMessage;

/** Shared memory the relay hands the worker at start; the relay writes, the worker waits on it. */
export interface WorkerChannels {
  /** Int32[0]: Pyodide's interrupt flag (2 = SIGINT). Also what an interruptible sleep waits on. */
  readonly interrupt: SharedArrayBuffer;
  /** The output buffer (see output-buffer.ts). */
  readonly output: SharedArrayBuffer;
  /** Int32[0]: input state, Int32[1]: byte length, then UTF-8 bytes of the answer. */
  readonly input: SharedArrayBuffer;
  /** Int32[0]: set to 1 by the relay once it has forwarded a `display` message the worker waits on. */
  readonly display: SharedArrayBuffer;
}

/**
 * Every byte the worker loads, handed over instead of read: the worker has no file system.
 * Keys are file names under Pyodide's index URL.
 */
export interface WorkerAssets {
  /** Left out when the compiled module comes along instead. */
  readonly 'pyodide.asm.wasm'?: Uint8Array;
  readonly 'python_stdlib.zip': Uint8Array;
  readonly 'pyodide-lock.json': Uint8Array;
  /** A memory snapshot to restore instead of booting Python. */
  readonly snapshot?: Uint8Array;
}

/** Start-up data for the worker (`workerData`); its files follow in an `assets` message. */
export interface WorkerConfig {
  readonly channels: WorkerChannels;
  /** URL of Pyodide's folder, ending in `/`. */
  readonly indexUrl: string;
  /** The exact module URLs the worker may import: its own script and Pyodide's two modules. */
  readonly allowedImports: readonly string[];
  readonly memoryLimitBytes: number;
  /** Whether a client answers input(); otherwise input() raises EOFError at once. */
  readonly inputEnabled: boolean;
  /** `make-snapshot` boots plainly and posts a snapshot instead of serving runs (build step). */
  readonly boot: BootMode | 'make-snapshot';
}

// ---------------------------------------------------------------------------------------------
// Extension host -> browser worker (the worker answers with frames of sandbox messages)

/** Shared memory a cross-origin-isolated extension host hands a browser worker: interrupts and input. */
export interface BrowserWorkerChannels {
  readonly interrupt: SharedArrayBuffer;
  readonly input: SharedArrayBuffer;
}

/** How a browser worker starts. */
export interface BrowserWorkerConfig {
  readonly memoryLimitBytes: number;
  /** Whether a client answers input(); it also needs `channels`. */
  readonly inputEnabled: boolean;
  readonly boot: BootMode;
  /** Absent when the extension host is not cross-origin isolated (no SharedArrayBuffer). */
  readonly channels?: BrowserWorkerChannels;
  /** When the extension host asked for the worker (epoch milliseconds): where its start-up marks begin. */
  readonly requested: number;
}

/** Extension host -> browser worker, first: its configuration and every byte it loads. Later messages are `run`s. */
export interface BrowserStartMessage {
  readonly type: 'start';
  readonly config: BrowserWorkerConfig;
  readonly assets: WorkerAssets;
  /** Pyodide's WebAssembly, compiled by the extension host while the worker started. */
  readonly module?: WebAssembly.Module;
}

/** True when `value` is an object whose `type` is a string: the minimum any message must be. */
export function isTagged(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
