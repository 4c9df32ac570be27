import nestCore from '@nestjs/core/package.json' with { type: 'json' };

/** The Nest these tests run on: 12 in vitest's 'main' project, 11 in 'nest11'. */
export const NEST_VERSION = nestCore.version;
export const NEST_MAJOR = Number(nestCore.version.split('.')[0]);
