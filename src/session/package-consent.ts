/**
 * What the editor shows around a package download: the question before it (under `ask`), and
 * its progress with bytes, cancellable. Cached packages never get here.
 */
import * as vscode from 'vscode';
import type { ProgressCallback } from '../packages/budget';
import { PackageError } from '../packages/errors';
import type { PackagePlan } from '../packages/manager';
import { consentMessage, downloadsOf, byteSize, namesAndVersions } from '../packages/prepare';

/** The answers of the consent notification. */
export const CONSENT_CHOICES = { load: 'Load', always: 'Always', cancel: 'Cancel' } as const;

/**
 * Asks whether to download what `plan` lacks: Load goes ahead, Always goes ahead and sets
 * `pythonSandbox.packages.install` to `auto` in the user's settings, Cancel (or closing the
 * notification, or the run being cancelled) refuses with a `cancelled` PackageError.
 */
export async function askConsent(plan: PackagePlan, who: string, signal: AbortSignal): Promise<void> {
  const answer = await new Promise<string | undefined>((resolve) => {
    const cancelled = (): void => resolve(undefined);
    signal.addEventListener('abort', cancelled, { once: true });
    void vscode.window
      .showInformationMessage(consentMessage(plan, who), CONSENT_CHOICES.load, CONSENT_CHOICES.always, CONSENT_CHOICES.cancel)
      .then((choice) => {
        signal.removeEventListener('abort', cancelled);
        resolve(choice);
      });
  });
  if (answer === CONSENT_CHOICES.always) {
    await vscode.workspace.getConfiguration('pythonSandbox').update('packages.install', 'auto', vscode.ConfigurationTarget.Global);
  }
  if (answer !== CONSENT_CHOICES.load && answer !== CONSENT_CHOICES.always) {
    throw new PackageError('cancelled', `${namesAndVersions(downloadsOf(plan))}: not downloaded (cancelled); the code did not run`);
  }
}

/** Shows a download in a cancellable progress notification: bytes done of the total. */
export function showDownload<T>(
  plan: PackagePlan,
  download: (onProgress: ProgressCallback, signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  const names = downloadsOf(plan)
    .map((entry) => entry.name)
    .join(', ');
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Python Sandbox: downloading ${names}`, cancellable: true },
      async (progress, token) => {
        const stop = new AbortController();
        const cancel = token.onCancellationRequested(() => stop.abort());
        let reported = 0;
        const onProgress: ProgressCallback = (done, total) => {
          const fraction = total > 0 ? Math.min(1, done / total) : 0;
          progress.report({ message: `${byteSize(done)} of ${byteSize(total)}`, increment: (fraction - reported) * 100 });
          reported = fraction;
        };
        try {
          return await download(onProgress, AbortSignal.any([signal, stop.signal]));
        } finally {
          cancel.dispose();
        }
      },
    ),
  );
}
