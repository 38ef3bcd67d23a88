/**
 * A request's URL as the log may hold it. A few addresses are themselves the secret that opens them (a
 * calendar feed, an invitation): their secret part is replaced, so whoever reads the logs cannot use them.
 */
const SECRET_PATHS = /^(\/(?:calendar|invitations)\/)[^/?#]+/

export function logSafeUrl(url: string): string {
  return url.replace(SECRET_PATHS, '$1[secret]')
}
