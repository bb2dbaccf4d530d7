import type { Workbench } from './workbench';

/**
 * One UI check: a named sequence of user steps against a workbench that already shows the
 * fixture workspace with the extension installed. Throw to fail; the runner screenshots the
 * final state either way.
 */
export interface UiCheck {
  name: string;
  run(wb: Workbench): Promise<void>;
}
