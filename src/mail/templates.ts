import { escapeHtml } from '../web/escape.ts'

export interface MailContent {
  heading: string
  paragraphs: string[]
  facts?: Array<{ label: string; value: string }>
  link?: { text: string; url: string }
  /** The closing line; by default how to change which emails you get (not for someone without an account). */
  footer?: string
}

const NOTIFICATION_FOOTER =
  'You can change which emails you get under "Your account", "Notification settings".'

/** One message, two parts: plain text for every client, and simple HTML (no images, no tracking). */
export function renderMail(c: MailContent): { text: string; html: string } {
  const text = [
    c.heading,
    '',
    ...c.paragraphs.flatMap((p) => [p, '']),
    ...(c.facts ?? []).map((f) => `- ${f.label}: ${f.value}`),
    ...(c.facts?.length ? [''] : []),
    ...(c.link ? [`${c.link.text}: ${c.link.url}`, ''] : []),
    c.footer ?? NOTIFICATION_FOOTER,
  ].join('\n')
  const html = [
    '<!doctype html><html lang="en"><body style="font-family: arial, sans-serif; color: #0b0c0c">',
    `<h1 style="font-size: 24px">${escapeHtml(c.heading)}</h1>`,
    ...c.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    c.facts?.length
      ? `<ul>${c.facts.map((f) => `<li><strong>${escapeHtml(f.label)}:</strong> ${escapeHtml(f.value)}</li>`).join('')}</ul>`
      : '',
    c.link ? `<p><a href="${escapeHtml(c.link.url)}">${escapeHtml(c.link.text)}</a></p>` : '',
    `<p style="color: #505a5f">${escapeHtml(c.footer ?? NOTIFICATION_FOOTER)}</p>`,
    '</body></html>',
  ].join('')
  return { text, html }
}
