/**
 * Work done after the response has gone (preparing a mail): its failures are reported to
 * `onError`, and `settled()` waits for whatever is still under way, for a graceful shutdown.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly onError: (label: string, err: unknown) => void) {}

  run(label: string, work: () => unknown): void {
    // Started on the next turn of the event loop: by then the response has been written
    // (Node flushes it on a nextTick, which a promise callback would run before).
    const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .then(
        () => undefined,
        (err: unknown) => this.onError(label, err),
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once no work is under way, including work started meanwhile. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
