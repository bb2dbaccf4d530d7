import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

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
