/** Hosts where plain http cannot be read by anyone else on the network. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * `url` parsed, when it is https, or http on a loopback host, or http with `allowInsecureHttp`.
 * `what` names the setting in the message; the URL itself is never echoed (it may hold a secret).
 */
export function checkEndpoint(url: string, what: string, allowInsecureHttp: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${what} is not an absolute URL; give one such as https://example.bitrix24.com/rest/.`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:') {
    if (allowInsecureHttp || isLoopbackHost(parsed.hostname)) return parsed;
    throw new TypeError(
      `${what} uses plain http to ${parsed.host}, which would send tokens in clear text; use https, or set allowInsecureHttp: true for a trusted network.`,
    );
  }
  throw new TypeError(`${what} must be an https URL (it is ${parsed.protocol.replace(':', '')}).`);
}
