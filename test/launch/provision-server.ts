import { provisionServer } from './provision';
import { main } from './processes';

/** Provisions the VS Code server toolchain only (used by .ci/run to warm the cache). */
main(async () => {
  const t = await provisionServer();
  console.log(`[provision] VS Code server ${t.vscodeVersion} ready (${t.serverMain})`);
  return 0;
});
