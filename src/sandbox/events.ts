/**
 * A minimal event emitter with the shape of VS Code's `Event`/`Disposable`, so that code without
 * a `vscode` import (the sandbox, the CLI) can offer events that presenters subscribe to as usual.
 */

/** Ends a subscription. */
export interface Subscription {
  dispose(): void;
}

/** Subscribes a listener; returns what ends the subscription. */
export type Event<T> = (listener: (value: T) => void) => Subscription;

/** Owns a set of listeners and calls them in subscription order. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** The subscribe function handed out to listeners. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  };

  /** Whether anyone is listening. */
  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /** Calls every listener; one that throws does not stop the others, and its error is rethrown later. */
  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
