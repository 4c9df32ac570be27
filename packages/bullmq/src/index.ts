export { createQueue, type B24Queue } from './queue.js';
export type { QueueOptions, WorkOptions, QueueStats, QueueConnection, FailedJob } from './options.js';
export type { B24JobData } from './job-data.js';
