/** An organisation's rule for who must sign in with a second factor. */
export const SECOND_FACTOR_POLICIES = ['none', 'administrators', 'everyone'] as const
export type SecondFactorPolicy = (typeof SECOND_FACTOR_POLICIES)[number]
export const SECOND_FACTOR_POLICY_LABELS: Record<SecondFactorPolicy, string> = {
  none: 'Not required',
  administrators: 'Required for administrators',
  everyone: 'Required for everyone',
}
export const isSecondFactorPolicy = (v: unknown): v is SecondFactorPolicy =>
  typeof v === 'string' && (SECOND_FACTOR_POLICIES as readonly string[]).includes(v)
