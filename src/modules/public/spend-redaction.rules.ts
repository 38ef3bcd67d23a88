/**
 * Payments to individuals never appear by name (UK GDPR; the Transparency Code asks councils to redact
 * them). The ledger has no "individual" flag, so the rule works the safe way round: a supplier is taken
 * to be an individual, and redacted, unless its name carries a mark of an organisation (a legal form such as
 * Ltd or LLP, or a word such as Council, Trust, University or Services). A sole trader trading under their
 * own name is redacted; an organisation with an unusual name may be too, which errs on the side of privacy.
 */
const ORGANISATION_MARKS = new RegExp(
  String.raw`\b(ltd|limited|plc|llp|lp|inc|corp|corporation|co|company|cic|council|borough|county|parish|trust|university|college|school|academy|nhs|police|fire|authority|agency|department|ministry|hmrc|government|services|service|group|partnership|partners|association|society|charity|foundation|bank|consulting|consultants|consultancy|solutions|systems|technologies|technology|digital|software|networks|communications|telecom|media|interactive|holdings|international|uk|gb|europe|the)\b|&`,
  'i',
)

export const REDACTED = 'Redacted – personal data'

export function isIndividual(supplierName: string): boolean {
  const name = supplierName.trim()
  if (name === '') return true
  return !ORGANISATION_MARKS.test(name)
}

export function publicSupplier(supplierName: string): string {
  return isIndividual(supplierName) ? REDACTED : supplierName.trim()
}
