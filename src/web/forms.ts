import { Type, type Static } from '@sinclair/typebox'

/** Form posts arrive as flat strings (repeated names as arrays); pages validate them with rules, not Ajv. */
export const FormBody = Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))
export type FormBody = Static<typeof FormBody>

export function field(body: FormBody | undefined, name: string): string {
  const v = body?.[name]
  if (v === undefined) return ''
  return (Array.isArray(v) ? (v[0] ?? '') : v).trim()
}

export function fields(body: FormBody | undefined, name: string): string[] {
  const v = body?.[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter((s) => s !== '')
}

/** GOV.UK error summary items, in the order the fields appear on the form. */
export function errorList(
  errors: Record<string, string>,
  order: string[] = [],
): Array<{ text: string; href: string }> {
  const keys = [...order.filter((k) => k in errors), ...Object.keys(errors).filter((k) => !order.includes(k))]
  return keys.map((k) => ({ text: errors[k] ?? '', href: `#${k}` }))
}

/** The error object a GOV.UK component takes for a field, or false. */
export function errorFor(errors: Record<string, string> | undefined, name: string): { text: string } | false {
  const text = errors?.[name]
  return text ? { text } : false
}

export function optionalInt(value: string): number | null {
  if (!/^\d+$/.test(value)) return null
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : null
}
