import type { Job, Queue } from 'bullmq';
import type { Admission } from './admission.js';
import type { B24JobData } from './job-data.js';
import type { FailedJob, QueueStats } from './options.js';

type B24BullQueue = Queue<B24JobData>;

export async function queueStats(bullmq: B24BullQueue, admission: Admission): Promise<QueueStats> {
  const counts = await bullmq.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    completed: counts.completed ?? 0,
    deduplicated: await admission.deduplicated(),
  };
}

export async function failedJobs(bullmq: B24BullQueue, limit: number): Promise<FailedJob[]> {
  const jobs: Job<B24JobData>[] = await bullmq.getFailed(0, limit - 1);
  return jobs.map((job) => ({
    id: job.id!,
    name: job.data?.name ?? job.name,
    memberId: job.data?.memberId ?? '',
    receivedAt: job.data?.receivedAt ?? new Date(job.timestamp).toISOString(),
    attemptsMade: job.attemptsMade,
    failedReason: job.failedReason,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined,
  }));
}

export async function retryFailed(bullmq: B24BullQueue): Promise<number> {
  // A snapshot: a job that fails again while this runs waits for the next retry().
  const failed: Job<B24JobData>[] = await bullmq.getFailed(0, -1);
  for (const job of failed) await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
  return failed.length;
}
