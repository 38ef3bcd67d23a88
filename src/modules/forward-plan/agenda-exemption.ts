// Exempt (Part B) agenda items (issue 12): an item taken in private, with the reason (the paragraph of
// Schedule 12A), is kept off every public page. The public site reads this, not the column, so the rule has
// one home.

/** Whether an agenda item is exempt and so never shown, nor its reason, on a public page. */
export function isExemptItem(item: { is_exempt: number }): boolean {
  return item.is_exempt === 1
}
