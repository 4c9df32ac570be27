import type {} from 'reflect-metadata';
import { UseFilters, type Type } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA } from '@nestjs/common/constants.js';
import type { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { B24EventGuard } from '../guard.js';
import { B24RefusalFilter } from '../refusal.js';

// Stateless, so one instance serves every app in the process and binding stays idempotent.
const refusalFilter = new B24RefusalFilter();

function listed(target: object, key: string): unknown[] {
  const value: unknown = Reflect.getMetadata(key, target);
  return Array.isArray(value) ? value : [];
}

function isB24Guard(guard: unknown): boolean {
  return guard === B24EventGuard || guard instanceof B24EventGuard;
}

/**
 * Gives every route guarded by `B24EventGuard` (on the method or its controller) the refusal
 * filter, at method level: a method's filters come before the controller's and the global ones,
 * so refusals keep core's status and body whatever filters the app installs. Runs while providers
 * are created, before Nest builds the routes from this metadata.
 */
export function bindGuardedRoutes(discovery: DiscoveryService, scanner: MetadataScanner): void {
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as Type<unknown> | null | undefined;
    if (typeof controller !== 'function') continue;
    const guardedClass = listed(controller, GUARDS_METADATA).some(isB24Guard);
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const method = prototype[name];
      if (typeof method !== 'function') continue;
      if (!guardedClass && !listed(method, GUARDS_METADATA).some(isB24Guard)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name) ?? { value: method };
      if (!listed(method, EXCEPTION_FILTERS_METADATA).includes(refusalFilter)) UseFilters(refusalFilter)(prototype, name, descriptor);
    }
  }
}
