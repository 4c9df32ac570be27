export { defineRobot, ROBOT_PROPERTY_TYPES } from './define-robot.js';
export { toRobotCall, isRobotCallForm } from './to-robot-call.js';
export { toReturnValues } from './reply.js';
export type {
  B24RobotPropertyType,
  B24LocalizedText,
  B24RobotProperty,
  B24RobotProperties,
  B24RobotKind,
  B24RobotDefinitionInput,
  B24RobotDefinition,
  B24RobotValue,
  B24RobotPropertyValues,
  B24RobotReturnValues,
  B24RobotDocument,
  B24RobotCall,
  B24RobotHandler,
  B24RobotCodeHandler,
  B24RestCaller,
  B24RestFactory,
} from './types.js';
export type { B24RobotRunOptions } from './dispatch.js';
