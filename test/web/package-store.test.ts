/**
 * The package cache as the browser build keeps it: through `vscode.workspace.fs` (here on a
 * folder of the workspace, in the extension's own storage in use).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { WorkspaceStore } from '../../src/packages/workspace-store';

describe('packages: the cache through vscode.workspace.fs', () => {
  const root = (): vscode.Uri => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'package-cache', '314.0.7');

  it('writes through a temporary file and a rename, reads back, leaves only the file, and clears', async () => {
    const store = new WorkspaceStore(root());
    assert.equal(await store.has('files/x/a.whl'), false);
    assert.equal(await store.read('files/x/a.whl'), undefined);
    await store.write('files/x/a.whl', new Uint8Array([1, 2, 3]));
    await store.write('files/x/a.whl', new Uint8Array([4, 5]));
    assert.deepEqual([...(await store.read('files/x/a.whl'))!], [4, 5]);
    assert.equal(await store.has('files/x/a.whl'), true);
    const folder = vscode.Uri.joinPath(root(), 'files', 'x');
    assert.deepEqual(
      (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name),
      ['a.whl'],
    );
    assert.equal(store.location('files/x/a.whl'), vscode.Uri.joinPath(folder, 'a.whl').toString());
    await store.clear();
    assert.equal(await store.has('files/x/a.whl'), false);
    await store.clear();
  });

  it('knows the locations it gave, and no other URI: the browser transport reads only those', () => {
    const store = new WorkspaceStore(root());
    const location = store.location('files/x/a-1.0+local.whl');
    assert.equal(store.keyOf(location), 'files/x/a-1.0+local.whl');
    const workspace = vscode.workspace.workspaceFolders![0].uri;
    for (const other of [
      vscode.Uri.joinPath(workspace, 'web-test.json').toString(),
      vscode.Uri.joinPath(root(), '..', '314.0.8', 'files', 'x', 'a.whl').toString(),
      root().toString(),
      `${root().toString()}/files/../../../web-test.json`,
      `${location}?x=1`,
      location.replace(/^[a-z-]+:/, 'https:'),
      'not a URI',
    ])
      assert.equal(store.keyOf(other), undefined, other);
  });

  it('keys cannot leave the folder', () => {
    const store = new WorkspaceStore(root());
    for (const key of ['../x', 'files/../../x', '/etc/passwd', 'files//x', 'files/./x'])
      assert.throws(() => store.location(key), /not a store key/, key);
  });
});
