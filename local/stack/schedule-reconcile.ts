export interface ReconcileTick {
  status: number;
  /** The reconcile report as the function answered it, or the reason there is none. */
  body: unknown;
}

/**
 * Stands in for Cloud Scheduler: POSTs an empty body to the reconcile function every `seconds`, as the
 * deployed job does every minute. A run still going when the next is due is not started twice.
 */
export function scheduleReconcile(
  url: string,
  seconds: number,
  onRun: (tick: ReconcileTick) => void = () => {},
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      .then(async (response) =>
        onRun({ status: response.status, body: await response.json().catch(() => null) }),
      )
      .catch((error: unknown) => onRun({ status: 0, body: (error as Error).message }))
      .finally(() => (running = false));
  }, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
