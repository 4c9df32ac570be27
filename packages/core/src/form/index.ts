export { parseForm } from './parse.js';
export { encodeForm, urlencode, formatPhpFloat } from './encode.js';
export { normalizeForm } from './normalize.js';
export { DEFAULT_FORM_LIMITS, resolveFormLimits, type FormLimits, type ResolvedFormLimits } from './limits.js';
export type { FormObject, FormValue, FormList } from './types.js';
