import { B24HookError } from '../errors.js';
import type { FormObject } from '../form/types.js';
import { describeError } from '../receiver/deadline.js';
import { handOff } from '../receiver/handoff.js';
import { errorResult, type PipelineParts } from '../receiver/handle.js';
import type { B24HandleResult } from '../receiver/types.js';
import type { PortalTokens } from '../verify/verify.js';

/**
 * The robot-call branch of `receiver.handle`, once the body is parsed: the same token check as
 * events, then the handler and its reply. It runs with `dispatch: false` too: `onRobot` is the only
 * way to answer a robot call, so an adapter whose route handles events answers robot calls itself.
 * With a durable hand-off the verified call is enqueued instead (200 once the queue has it) and a
 * worker runs `receiver.receiveRobot(toRobotCall(form))`. A code with no `onRobot` handler is still
 * answered `404 UNKNOWN_ROBOT` here: this process's registrations are taken to be the workers'.
 */
export async function handleRobotCall(
  parts: PipelineParts,
  form: FormObject,
  looked: PortalTokens | undefined,
  receivedAt: Date,
): Promise<B24HandleResult> {
  const call = await parts.verifier.verify(form, looked, parts.robots.callFor);
  if (parts.handoff) {
    try {
      await handOff(parts.handoff, call, receivedAt);
    } catch (caught) {
      if (!(caught instanceof B24HookError) || caught.code !== 'HANDOFF_FAILED') throw caught;
      // The workflow now waits for an answer nobody will send: say which call was lost.
      parts.logger?.error?.('b24hooks could not hand a robot call off to its queue', {
        error: describeError(caught.cause),
        robot: call.code,
        domain: call.portal.domain,
        memberId: call.portal.memberId,
      });
      await parts.reportError(caught, undefined, call);
      return errorResult(caught);
    }
  } else if (parts.ack === 'before-handlers') {
    parts.robots.run(call).catch(() => {
      // run() already reported the failure to onError and the workflow log.
    });
  } else {
    await parts.robots.run(call);
  }
  return { status: 200, body: { ok: true }, robotCall: call };
}
