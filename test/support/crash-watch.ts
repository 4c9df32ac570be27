/** Collects what would crash the process (an unhandled rejection, an uncaught exception) while watched. */
export function watchCrashes(): { crashes: unknown[]; stop(): void } {
  const crashes: unknown[] = [];
  const record = (error: unknown) => void crashes.push(error);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  return {
    crashes,
    stop() {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    },
  };
}
