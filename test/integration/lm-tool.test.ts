import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BREAKOUT_CASES } from '../fixtures/breakout-code';
import { foreignTags, splitCode, textOf } from '../fixtures/rendered-html';
import { bundledLockInfo, generatePackageIndex, servePackageIndex, type PackageIndexServer } from '../fixtures/package-index';
import { command, CommandIds, extension, withSettings } from './helpers';

const TOOL = 'python_sandbox_run';

/** Reads the text parts of a tool result. */
function text(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('language-model tool', function () {
  before(async function () {
    await vscode.extensions.getExtension('python-sandbox.python-sandbox')!.activate();
    if (typeof vscode.lm?.invokeTool !== 'function') {
      console.log('    this host has no vscode.lm.invokeTool; the tool is covered by unit tests of its text');
      this.skip();
    }
  });

  it('is registered with its schema', () => {
    const tool = vscode.lm.tools.find((t) => t.name === TOOL);
    assert.ok(tool, `${TOOL} is in vscode.lm.tools`);
    assert.deepEqual((tool.inputSchema as { required: string[] }).required, ['code']);
  });

  it("tells the model timeoutSeconds' bounds, the timeout setting's", () => {
    const schema = vscode.lm.tools.find((t) => t.name === TOOL)!.inputSchema as { properties: { timeoutSeconds: object } };
    const setting = (extension().packageJSON as { contributes: { configuration: { properties: Record<string, { maximum: number }> } } })
      .contributes.configuration.properties['pythonSandbox.timeoutSeconds'];
    assert.deepEqual(schema.properties.timeoutSeconds, {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: setting.maximum,
      description: `Stop the run after this many seconds, at most ${setting.maximum} (default: the user's pythonSandbox.timeoutSeconds).`,
    });
  });

  it('runs code through vscode.lm.invokeTool and reports output and value', async () => {
    const result = await vscode.lm.invokeTool(TOOL, { input: { code: "print('from agent')\n6 * 7" }, toolInvocationToken: undefined });
    const answer = text(result);
    assert.match(answer, /^status: ok/);
    assert.match(answer, /value of the last expression \(repr\): 42/);
    assert.match(answer, /output:\nfrom agent\n/);
  });

  it('reports errors with type, line and message', async () => {
    const answer = text(await vscode.lm.invokeTool(TOOL, { input: { code: 'x = 1\n1/0' }, toolInvocationToken: undefined }));
    assert.match(answer, /^error: ZeroDivisionError \(line 2\)\nmessage: division by zero/);
  });

  it('bounds timeoutSeconds as the setting is bounded, and says so: a time past what timers can wait does not end the run at once', async () => {
    // 3e6 s is 3e9 ms, past the 2^31-1 ms a Node timer can wait: unbounded, it fired after 1 ms.
    const answer = text(
      await vscode.lm.invokeTool(TOOL, {
        input: { code: 'import time\ntime.sleep(0.5)\n"slept"', timeoutSeconds: 3e6 },
        toolInvocationToken: undefined,
      }),
    );
    assert.match(answer, /^status: ok/);
    assert.match(answer, /value of the last expression \(repr\): 'slept'/);
    assert.match(answer, /\nnote: timeoutSeconds 3000000 is more than the most allowed, 86400; the run's time limit was 86400 s\n/);
  });

  it('keeps its own namespace, apart from the user and the API', async () => {
    await vscode.lm.invokeTool(TOOL, { input: { code: 'agent_only = 1' }, toolInvocationToken: undefined });
    const api = (await vscode.extensions.getExtension('python-sandbox.python-sandbox')!.activate()) as {
      eval(e: string): Promise<unknown>;
    };
    assert.deepEqual(await api.eval('agent_only'), { err: "NameError: name 'agent_only' is not defined" });
    const answer = text(await vscode.lm.invokeTool(TOOL, { input: { code: 'agent_only', mode: 'eval' }, toolInvocationToken: undefined }));
    assert.match(answer, /value \(JSON\): 1/);
  });
});

/** What the hidden command returns: the tool's confirmation as the chat would show it. */
interface Confirmation {
  readonly title: string;
  readonly markdown: string;
}

/** Markdown rendered by VS Code's own Markdown extension (markdown-it, with the plugins of the host's extensions). */
async function render(markdown: string): Promise<string> {
  const html = await command<string>('markdown.api.render', markdown);
  // Plugins may put elements of their own before any document (Mermaid's configuration): not the document's.
  const preamble = await command<string>('markdown.api.render', '');
  assert.ok(html.startsWith(preamble), 'the renderer starts every document the same way');
  return html.slice(preamble.length);
}

/** The agent tool's confirmation for `input`, and its Markdown rendered. */
async function confirmation(input: object): Promise<Confirmation & { html: string }> {
  const shown = await command<Confirmation>(CommandIds.agentConfirmation, input);
  return { ...shown, html: await render(shown.markdown) };
}

describe('language-model tool: the confirmation shows exactly the code that runs', function () {
  this.timeout(120_000);
  before(() => extension().activate());

  for (const { name, code, shown } of BREAKOUT_CASES) {
    it(`one code block, holding the code and nothing else: ${name}`, async () => {
      const { html } = await confirmation({ code });
      const { blocks, around } = splitCode(html);
      assert.equal(blocks.length, 1, `exactly one code block:\n${html}`);
      // A block's lines end with a line break; the code's last line may not.
      assert.equal(
        blocks[0],
        shown === '' || shown.endsWith('\n') ? shown : `${shown}\n`,
        'the block holds the code, marked, and nothing more',
      );
      assert.deepEqual(foreignTags(around), [], `only the confirmation's own Markdown renders around the code:\n${around}`);
      assert.doesNotMatch(around, /\b(href|src)=/i, 'no link or image');
    });
  }
});

describe('language-model tool: the confirmation shows the time limit and the packages, and downloads nothing', function () {
  this.timeout(120_000);
  let server: PackageIndexServer;
  const index = generatePackageIndex({
    info: bundledLockInfo(),
    lock: [
      { name: 'sandbox-confirm-a', version: '1.0.0' },
      { name: 'sandbox-confirm-b', version: '2.0.0', requires: ['sandbox-confirm-a'] },
      { name: 'sandbox-confirm-c', version: '3.0.0' },
    ],
    micropip: false,
  });

  before(async () => {
    server = await servePackageIndex(index);
    await extension().activate();
  });
  after(() => server.close());

  /** The confirmation's list items as a reader sees them, by their label. */
  async function facts(input: object): Promise<Map<string, string>> {
    const { html } = await confirmation(input);
    const items = [...splitCode(html).around.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map((match) => textOf(match[1]).trim());
    return new Map(items.map((item) => [item.slice(0, item.indexOf(':')), item.slice(item.indexOf(':') + 1).trim()]));
  }

  it("shows the agent's time limit within the setting's bounds, or the setting's", async () => {
    assert.equal((await facts({ code: '1', timeoutSeconds: 5 })).get('Time limit'), '5 s, as the agent asked.');
    assert.equal(
      (await facts({ code: '1', timeoutSeconds: 1e9 })).get('Time limit'),
      '86400 s, the most allowed (the agent asked for 1000000000 s).',
    );
    await withSettings({ timeoutSeconds: 7 }, async () => {
      assert.equal((await facts({ code: '1' })).get('Time limit'), '7 s (pythonSandbox.timeoutSeconds).');
    });
    await withSettings({ timeoutSeconds: 0 }, async () => {
      assert.equal((await facts({ code: '1' })).get('Time limit'), 'none (pythonSandbox.timeoutSeconds is 0).');
    });
  });

  it('names what the code imports, from the bundled lock, with its dependencies; and none for the standard library', async () => {
    assert.equal((await facts({ code: 'import json, os.path\n' })).get('Packages'), 'none: the standard library only.');
    const packages = (await facts({ code: 'import pandas\n' })).get('Packages')!;
    for (const name of ['numpy', 'python-dateutil', 'pandas'])
      assert.match(packages, new RegExp(`\\b${name} \\d[^ ]* \\((cached|to download)\\)`));
    assert.ok(packages.indexOf('numpy') < packages.indexOf('pandas '), `dependencies first: ${packages}`);
  });

  it('asks no server: a lock not cached, PEP 723 requirements and PyPI names are told, not fetched', async () => {
    const code = [
      '# /// script',
      '# dependencies = ["sandbox-confirm-c", "sandbox-pypi-only>=1"]',
      '# ///',
      'import sandbox_confirm_b',
      '',
    ].join('\n');
    const settings = { 'packages.indexUrl': server.indexUrl, 'packages.pypiIndexUrl': server.pypiIndexUrl, 'packages.preload': [] };
    await withSettings({ ...settings, 'packages.install': 'auto' }, async () => {
      assert.equal(
        (await facts({ code })).get('Packages'),
        `sandbox-confirm-c, sandbox-pypi-only>=1 and what the code imports, worked out when the run starts: the lock of the package index, ${server.indexUrl}pyodide-lock.json, is downloaded first. What is not cached is downloaded without asking (pythonSandbox.packages.install is auto).`,
      );
      assert.deepEqual(server.requests, [], 'the confirmation asked no server');
      // A run reads the lock and caches sandbox-confirm-a and -b: the agents' own, to leave the user's runtime to other suites.
      if (typeof vscode.lm?.invokeTool !== 'function') return;
      const run = text(await vscode.lm.invokeTool(TOOL, { input: { code: 'import sandbox_confirm_b' }, toolInvocationToken: undefined }));
      assert.match(
        run,
        /^status: ok\npackages loaded: sandbox-confirm-a 1\.0\.0 \(downloaded\), sandbox-confirm-b 2\.0\.0 \(downloaded\)\n/,
      );
      const asked = server.requests.length;
      assert.equal(
        (await facts({ code })).get('Packages'),
        `sandbox-confirm-c 3.0.0 (to download), sandbox-confirm-a 1.0.0 (cached), sandbox-confirm-b 2.0.0 (cached); and from the PyPI index ${server.pypiIndexUrl}, in versions it chooses when the run starts, with their dependencies: sandbox-pypi-only>=1. What is not cached is downloaded without asking (pythonSandbox.packages.install is auto).`,
      );
      assert.equal(server.requests.length, asked, 'the confirmation asked no server');
    });
  });

  it('says when the packages cannot be had, so that the run stops before its code', async () => {
    const code = '# /// script\n# requires-python = ">=9"\n# ///\n';
    assert.match(
      (await facts({ code })).get('Packages')!,
      /^they cannot be had, so the run will stop before its code: the script requires Python >=9/,
    );
  });
});
