/**
 * How long an API token lasts (ASVS V7.3.2): chosen when it is made, 90 days unless said otherwise and a
 * year at most, so a token forgotten in a script stops working on its own. One rule for the page and for
 * `oversight token create --days`.
 */
export const TOKEN_DEFAULT_DAYS = 90
export const TOKEN_MAX_DAYS = 365

export type TokenDays = { ok: true; days: number } | { ok: false; message: string }

export function readTokenDays(value: string): TokenDays {
  const text = value.trim()
  if (!/^\d{1,6}$/.test(text))
    return { ok: false, message: `Enter the number of days as a whole number, like ${TOKEN_DEFAULT_DAYS}` }
  const days = Number(text)
  if (days < 1) return { ok: false, message: 'A token must last at least 1 day' }
  if (days > TOKEN_MAX_DAYS) return { ok: false, message: `A token can last at most ${TOKEN_MAX_DAYS} days` }
  return { ok: true, days }
}
