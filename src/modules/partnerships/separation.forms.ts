import { formatMoney } from '../../domain/money.ts'
import { dateItems, readDate } from '../../web/form-pages.ts'
import { errorList, field, type FormBody } from '../../web/forms.ts'
import {
  CHOICES,
  CHOICES_FOR,
  choiceField,
  choiceLabel,
  ITEM_KINDS,
  outcomeText,
  percentField,
  readPercent,
  type Choice,
  type ItemChoice,
  type SeparationInput,
  type SharedItem,
} from './separation.rules.ts'

// The guided page of a separation and its check page: one radios question per shared record, grouped by
// kind; a split asks for the council's percentage. Works without JavaScript: the percentage field is shown
// under its option (GOV.UK conditional reveal hides it only when scripts run).

/** The form as posted, against the records actually shared. */
export function readSeparationForm(
  b: FormBody,
  items: readonly SharedItem[],
): SeparationInput & {
  errors: Record<string, string>
} {
  const errors: Record<string, string> = {}
  const endedOn = readDate(b, 'endedOn', 'The date the partnership ends', errors, true)
  const choices: ItemChoice[] = []
  for (const item of items) {
    const choice = field(b, choiceField(item))
    if (choice === '') continue
    choices.push({
      kind: item.kind,
      id: item.id,
      choice: choice as Choice,
      councilPercent: choice === 'split' ? readPercent(field(b, percentField(item))) : null,
    })
  }
  return { endedOn, reasons: field(b, 'reasons'), choices, errors }
}

/** Field order for the error summary: the date, the reasons, then each record as listed. */
export const fieldOrder = (items: readonly SharedItem[]) => [
  'endedOn',
  'reasons',
  ...items.flatMap((i) => [choiceField(i), percentField(i)]),
]

const itemLabel = (i: SharedItem) =>
  [i.title, i.detail, i.amountPence === undefined ? undefined : formatMoney(i.amountPence)]
    .filter((x) => x)
    .join(' · ')

/** The context of the guided page: the date, the reasons and each kind's records with their options. */
export function separationFormContext(
  items: readonly SharedItem[],
  body: FormBody | null,
  errors: Record<string, string>,
) {
  const v = (n: string) => field(body ?? {}, n)
  return {
    errors,
    errorList: errorList(errors, fieldOrder(items)),
    endedOnItems: dateItems(body ?? {}, 'endedOn', null, 'endedOn' in errors),
    reasons: v('reasons'),
    groups: ITEM_KINDS.map((k) => ({
      heading: k.text,
      items: items
        .filter((i) => i.kind === k.value)
        .map((i) => ({
          name: choiceField(i),
          legend: itemLabel(i),
          error: errors[choiceField(i)],
          percentName: percentField(i),
          percentValue: v(percentField(i)),
          percentError: errors[percentField(i)],
          options: CHOICES.filter((c) => CHOICES_FOR[i.kind].includes(c.value)).map((c) => ({
            value: c.value,
            text: c.text,
            checked: v(choiceField(i)) === c.value,
          })),
        })),
    })).filter((g) => g.items.length > 0),
  }
}

/** The check page: each record and what will become of it, and the form's values to send again. */
export function separationCheckContext(items: readonly SharedItem[], input: SeparationInput, body: FormBody) {
  const byKey = new Map(input.choices.map((c) => [`${c.kind}-${c.id}`, c]))
  const hidden = Object.entries(body)
    .filter(([k]) => k !== '_csrf')
    .map(([name, value]) => ({ name, value: Array.isArray(value) ? (value[0] ?? '') : value }))
  return {
    rows: items.map((i) => {
      const c = byKey.get(`${i.kind}-${i.id}`)!
      return {
        kind: ITEM_KINDS.find((k) => k.value === i.kind)!.one,
        title: itemLabel(i),
        outcome: c ? outcomeText(i, c) : choiceLabel(''),
      }
    }),
    hidden,
  }
}
