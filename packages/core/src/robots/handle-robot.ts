import type { FormObject } from '../form/types.js';
import type { PipelineParts } from '../receiver/handle.js';
import type { B24HandleResult } from '../receiver/types.js';
import type { PortalTokens } from '../verify/verify.js';

/**
 * The robot-call branch of `receiver.handle`, once the body is parsed: the same token check as
 * events, then the handler and its reply. It runs with `dispatch: false` too: `onRobot` is the only
 * way to answer a robot call, so an adapter whose route handles events answers robot calls itself.
 * A durable hand-off would enqueue the verified form here; a worker then runs
 * `receiver.receiveRobot(toRobotCall(form))`.
 */
export async function handleRobotCall(parts: PipelineParts, form: FormObject, looked: PortalTokens | undefined): Promise<B24HandleResult> {
  const call = await parts.verifier.verify(form, looked, parts.robots.callFor);
  if (parts.ack === 'before-handlers') {
    parts.robots.run(call).catch(() => {
      // run() already reported the failure to onError and the workflow log.
    });
  } else {
    await parts.robots.run(call);
  }
  return { status: 200, body: { ok: true }, robotCall: call };
}
