/** Injection token of the module's `Receiver` (`@Inject(B24_RECEIVER) receiver: Receiver`). */
export const B24_RECEIVER = Symbol.for('b24hooks:receiver');

/** Metadata key under which `@OnB24Event()` keeps a method's event patterns. */
export const B24_EVENT_HANDLER = 'b24hooks:event-handler';

/** Where the guard puts the verified event on the request (`req.b24event`, as in the Express adapter). */
export const B24_EVENT_PROPERTY = 'b24event';

/** Metadata key under which `@OnB24Robot()` keeps a method's robot definition (or code). */
export const B24_ROBOT_HANDLER = 'b24hooks:robot-handler';
