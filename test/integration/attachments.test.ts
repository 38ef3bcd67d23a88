import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { para } from '../../src/documents/document.model.ts'
import { renderOne } from '../../src/documents/render.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { multipartBody } from '../helpers/multipart.ts'
import { sessionFor } from '../helpers/sessions.ts'

// Issue 13: documents attached to records. Types from content, a size limit, versions kept, removal only with
// a reason, downloads byte for byte, and seen exactly when the parent record is.

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(64),
])
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0, 0, 0]), Buffer.alloc(32)])
const EXE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.alloc(58),
  Buffer.from([0x80, 0, 0, 0]),
  Buffer.alloc(200),
])
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>')
// The start of an OLE compound file: a legacy .doc or .xls, or an installer (.msi).
const CFB = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)])
// A ZIP that is no Office document.
const ZIP = Buffer.from(
  'UEsDBAoAAAAAAAAAIQAAAAAAAAAAAAAAAAAFAAAAYS50eHRQSwECFAAKAAAAAAAAACEAAAAAAAAAAAAAAAAABQAAAAAAAAAAAAAAAAAAAAAAYS50eHRQSwUGAAAAAAEAAQAzAAAAIwAAAAAA',
  'base64',
)

let t: TestApp
let pdf: Buffer
let docx: Buffer
let xlsx: Buffer
let adminToken: string
let projectId: number
let unsharedId: number
const kinds: Record<string, number> = {}

before(async () => {
  t = await buildTestApp({ DOCUMENT_LIMIT_MB: '1' })
  const paper = {
    title: 'Cabinet report',
    language: 'en-GB' as const,
    author: 'Test',
    blocks: [para('Hello')],
  }
  pdf = await renderOne(paper, 'pdf')
  docx = await renderOne(paper, 'docx')
  const wb = new ExcelJS.Workbook()
  wb.addWorksheet('Budget').addRow(['Line', 1])
  xlsx = Buffer.from(await wb.xlsx.writeBuffer())
  adminToken = await t.tokenFor(t.orgs.a.users.administrator)
  const create = async (url: string, body: Record<string, unknown>, method = 'POST') => {
    const res = await t.api(adminToken, method, url, body)
    assert.ok(res.statusCode === 201 || res.statusCode === 200, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }
  const programme = await create('/api/v1/programmes', { reference: 'DOC-P', name: 'Documents programme' })
  const partner = await t.partner(t.orgs.a)
  projectId = await create('/api/v1/projects', {
    reference: 'DOC-1',
    name: 'Shared project',
    programmeId: programme,
    partnerIds: [partner],
  })
  unsharedId = await create('/api/v1/projects', {
    reference: 'DOC-2',
    name: 'Council project',
    programmeId: programme,
  })
  kinds.project = projectId
  kinds.status_report = await create('/api/v1/status-reports', {
    projectId,
    period: '2025-05',
    rating: 'amber',
    narrative: 'On track',
  })
  const committee = await create('/api/v1/committees', { name: 'Panel', code: 'DP', kind: 'scrutiny_panel' })
  kinds.meeting = await create('/api/v1/meetings', {
    committeeId: committee,
    meetingDate: '2025-03-18',
    place: 'Chamber',
    status: 'held',
  })
  kinds.agenda_item = await create(`/api/v1/meetings/${kinds.meeting}/items`, { number: '1', title: 'Item' })
  kinds.panel_report = await create('/api/v1/reports', {
    programmeId: programme,
    meetingId: kinds.meeting,
    period: '2025-05',
    title: 'Panel report',
    areas: [],
  })
  kinds.decision = await create('/api/v1/decisions', {
    title: 'A decision',
    capacity: 'portfolio_holder',
    status: 'awaiting_decision',
    links: [{ recordType: 'project', recordId: projectId }],
  })
  kinds.business_case = await create(
    `/api/v1/projects/${projectId}/business-case`,
    {
      version: null,
      cases: Object.fromEntries(
        ['strategic', 'economic', 'commercial', 'financial', 'management'].map((k) => [
          k,
          { text: 'Case', state: 'in_progress' },
        ]),
      ),
      scopeIn: '',
      scopeOut: '',
      optionsAppraised: '',
      budgetRequestedPence: 100,
      resources: [],
    },
    'PUT',
  )
})
after(() => t.close())

interface DocJson {
  id: number
  title: string
  fileName: string
  contentType: string
  latestVersion: number
  removedAt: string | null
  removedReason: string
  versions: Array<{ number: number; size: number; sha256: string; uploadedBy: string; available: boolean }>
}

function upload(
  token: string | null,
  parentType: string,
  parentId: number,
  fileName: string,
  body: Buffer,
  title = 'A document',
) {
  const q = new URLSearchParams({ parentType, parentId: String(parentId), title, fileName })
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/documents?${q}`,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/octet-stream',
    },
    payload: body,
  })
}

const storedFiles = async () =>
  Number(
    (
      await t.database.db
        .selectFrom('stored_files')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('organisation_id', '=', t.orgs.a.id)
        .executeTakeFirstOrThrow()
    ).n,
  )

describe(`documents (${dialectName()})`, () => {
  it('accepts PDF, Word, Excel, PNG, JPEG and GIF, recognised from their content, whatever their name', async () => {
    const cases: Array<[string, Buffer, string, string]> = [
      ['minutes.pdf', pdf, 'application/pdf', 'minutes.pdf'],
      [
        'report.docx',
        docx,
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'report.docx',
      ],
      [
        'budget.xlsx',
        xlsx,
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'budget.xlsx',
      ],
      ['site.png', PNG, 'image/png', 'site.png'],
      ['photo.jpeg', JPEG, 'image/jpeg', 'photo.jpeg'],
      ['plan.gif', GIF, 'image/gif', 'plan.gif'],
      // A PDF under a misleading name keeps its name and gains the extension of what it is.
      ['agenda.exe', pdf, 'application/pdf', 'agenda.exe.pdf'],
    ]
    for (const [name, bytes, type, offered] of cases) {
      const res = await upload(adminToken, 'project', projectId, name, bytes)
      assert.equal(res.statusCode, 201, `${name}: ${res.body}`)
      const d = res.json<DocJson>()
      assert.equal(d.contentType, type, name)
      assert.equal(d.fileName, offered)
      assert.equal(d.versions[0]!.sha256, sha(bytes))
    }
  })

  it('refuses a renamed program, an HTML page called .pdf, a plain ZIP, legacy .doc and an empty file, keeping nothing', async () => {
    const before = await storedFiles()
    const list = await t.api(adminToken, 'GET', `/api/v1/documents?parentType=project&parentId=${unsharedId}`)
    assert.equal(list.json<{ items: unknown[] }>().items.length, 0)
    const cases: Array<[string, Buffer, RegExp]> = [
      [
        'report.pdf',
        EXE,
        /must be a PDF, Word \(\.docx\), Excel \(\.xlsx\), PNG, JPEG or GIF file \(its content is \.exe\)/,
      ],
      ['minutes.pdf', HTML, /must be a PDF, Word/],
      ['bundle.docx', ZIP, /its content is \.zip/],
      ['old.doc', CFB, /older Word or Excel file .* save it as \.docx or \.xlsx/],
      ['empty.pdf', Buffer.alloc(0), /The selected file is empty/],
    ]
    for (const [name, bytes, message] of cases) {
      const res = await upload(adminToken, 'project', unsharedId, name, bytes)
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`)
      assert.match(res.json<{ fields: { file: string } }>().fields.file, message)
    }
    const after = await t.api(
      adminToken,
      'GET',
      `/api/v1/documents?parentType=project&parentId=${unsharedId}`,
    )
    assert.equal(after.json<{ items: unknown[] }>().items.length, 0)
    assert.equal(await storedFiles(), before)
  })

  it('refuses a file past the size limit with a clear message and keeps nothing of it', async () => {
    const before = await storedFiles()
    const big = Buffer.concat([pdf, Buffer.alloc(1024 * 1024)])
    const res = await upload(adminToken, 'project', projectId, 'huge.pdf', big)
    assert.equal(res.statusCode, 413, res.body)
    assert.equal(res.json<{ message: string }>().message, 'The selected file must be smaller than 1 MB')
    assert.equal(await storedFiles(), before)
    // The page says the same in its error summary.
    const agent = await sessionFor(t, t.orgs.a.users.project_manager)
    await agent.get(`/documents/new?parentType=project&parentId=${projectId}`)
    const page = await postForm(
      agent,
      '/documents',
      [
        ['parentType', 'project'],
        ['parentId', String(projectId)],
        ['title', 'Huge'],
      ],
      'huge.pdf',
      big,
    )
    assert.equal(page.statusCode, 413)
    assert.match(page.body, /There is a problem/)
    assert.match(page.body, /The selected file must be smaller than 1 MB/)
    assert.equal(await storedFiles(), before)
  })

  it('keeps every version, each with who, when, size and SHA-256, and downloads each byte for byte', async () => {
    const first = (
      await upload(adminToken, 'meeting', kinds.meeting!, 'papers.pdf', pdf, 'Meeting papers')
    ).json<DocJson>()
    const pm = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/documents/${first.id}/versions?fileName=papers-v2.docx`,
      headers: { authorization: `Bearer ${pm}`, 'content-type': 'application/octet-stream' },
      payload: docx,
    })
    assert.equal(res.statusCode, 200, res.body)
    const d = res.json<DocJson>()
    assert.equal(d.latestVersion, 2)
    assert.equal(d.fileName, 'papers-v2.docx')
    assert.deepEqual(
      d.versions.map((v) => [v.number, v.size, v.sha256, v.uploadedBy]),
      [
        [2, docx.length, sha(docx), `${t.orgs.a.users.scrutiny_member.name} (API token)`],
        [1, pdf.length, sha(pdf), `${t.orgs.a.users.administrator.name} (API token)`],
      ],
    )
    for (const [n, bytes] of [
      [1, pdf],
      [2, docx],
    ] as const) {
      const dl = await t.api(adminToken, 'GET', `/api/v1/documents/${d.id}/versions/${n}/content`)
      assert.equal(dl.statusCode, 200)
      assert.equal(sha(dl.rawPayload), sha(bytes))
    }
    // The page lists both versions with their links.
    const agent = await sessionFor(t, t.orgs.a.users.viewer)
    const page = await agent.get(`/documents/${d.id}`)
    assert.match(page.text, /papers-v2\.docx/)
    assert.match(page.text, new RegExp(sha(pdf)))
    assert.ok(page.document.querySelector(`a[href="/documents/${d.id}/versions/1/download"]`))
  })

  it('downloads as an attachment under a safe name, with the type found at upload, never sniffed, sandboxed', async () => {
    const d = (await upload(adminToken, 'project', projectId, 'Überblick "Q1" 2025.pdf', pdf)).json<DocJson>()
    const dl = await t.api(adminToken, 'GET', `/api/v1/documents/${d.id}/versions/1/content`)
    assert.equal(dl.headers['content-type'], 'application/pdf')
    assert.equal(
      dl.headers['content-disposition'],
      `attachment; filename="Uberblick Q1 2025.pdf"; filename*=UTF-8''%C3%9Cberblick%20Q1%202025.pdf`,
    )
    assert.equal(dl.headers['x-content-type-options'], 'nosniff')
    assert.equal(dl.headers['content-security-policy'], "sandbox; default-src 'none'")
    assert.equal(Number(dl.headers['content-length']), pdf.length)
  })

  it('removes a document only with a reason: the entry stays and says so, the bytes are deleted', async () => {
    const d = (
      await upload(adminToken, 'decision', kinds.decision!, 'note.png', PNG, 'Site photo')
    ).json<DocJson>()
    const none = await t.api(adminToken, 'POST', `/api/v1/documents/${d.id}/remove`, { reason: '  ' })
    assert.equal(none.statusCode, 400)
    assert.equal(
      none.json<{ fields: { reason: string } }>().fields.reason,
      'Enter why the document is being removed',
    )
    const before = await storedFiles()
    const removed = await t.api(adminToken, 'POST', `/api/v1/documents/${d.id}/remove`, {
      reason: 'Shows a resident’s face',
    })
    assert.equal(removed.statusCode, 200, removed.body)
    const r = removed.json<DocJson>()
    assert.equal(r.removedReason, 'Shows a resident’s face')
    assert.equal(r.versions[0]!.available, false)
    assert.equal(r.versions[0]!.sha256, sha(PNG))
    assert.equal(await storedFiles(), before - 1)
    const dl = await t.api(adminToken, 'GET', `/api/v1/documents/${d.id}/versions/1/content`)
    assert.equal(dl.statusCode, 410)
    const agent = await sessionFor(t, t.orgs.a.users.viewer)
    const page = await agent.get(`/documents/${d.id}`)
    assert.match(page.text, /Removed on .* by .*: Shows a resident’s face/)
    const event = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('entity_type', '=', 'document')
      .where('entity_id', '=', String(d.id))
      .where('action', '=', 'remove')
      .executeTakeFirstOrThrow()
    assert.match(event.after_json ?? '', /Shows a resident/)
    // The page form asks for the reason too.
    const admin = await sessionFor(t, t.orgs.a.users.administrator)
    const other = (
      await upload(adminToken, 'decision', kinds.decision!, 'b.gif', GIF, 'Plan')
    ).json<DocJson>()
    await admin.get(`/documents/${other.id}/remove`)
    const refused = await admin.post(`/documents/${other.id}/remove`, { reason: '' })
    assert.equal(refused.status, 400)
    assert.match(refused.text, /There is a problem Enter why the document is being removed/)
  })

  it('attaches to each kind of record, and each record page lists its documents', async () => {
    const agent = await sessionFor(t, t.orgs.a.users.administrator)
    const pages: Record<string, string> = {
      project: `/projects/${projectId}`,
      business_case: `/projects/${projectId}/business-case`,
      meeting: `/meetings/${kinds.meeting}`,
      agenda_item: `/agenda-items/${kinds.agenda_item}`,
      decision: `/decisions/${kinds.decision}`,
      panel_report: `/reports/${kinds.panel_report}`,
      status_report: `/status-reports/${kinds.status_report}`,
    }
    for (const [kind, url] of Object.entries(pages)) {
      const res = await upload(adminToken, kind, kinds[kind]!, `${kind}.pdf`, pdf, `Paper for the ${kind}`)
      assert.equal(res.statusCode, 201, `${kind}: ${res.body}`)
      const page = await agent.get(url)
      assert.equal(page.status, 200, url)
      const section = page.document.querySelector('#documents')
      assert.ok(section, `${url} has a Documents section`)
      assert.match(page.text, new RegExp(`Paper for the ${kind}`), url)
    }
  })

  it('uploads through the page form, with the CSRF token first, and lists the document on the record', async () => {
    const agent = await sessionFor(t, t.orgs.a.users.project_manager)
    const project = await agent.get(`/projects/${projectId}`)
    const attach = project.document.querySelector('#documents ~ p a[href^="/documents/new"]')
    assert.ok(attach, 'an Attach a document link')
    const form = await agent.get(attach.getAttribute('href')!)
    assert.equal(form.status, 200)
    const fields: Array<[string, string]> = [
      ['parentType', 'project'],
      ['parentId', String(projectId)],
      ['title', 'Highlight report'],
    ]
    const forged = await postForm(agent, '/documents', fields, 'h.xlsx', xlsx, 'not-the-token')
    assert.equal(forged.statusCode, 403)
    const bad = await postForm(agent, '/documents', fields, 'h.pdf', HTML)
    assert.equal(bad.statusCode, 400)
    assert.match(bad.body, /There is a problem/)
    assert.match(bad.body, /value="Highlight report"/)
    const ok = await postForm(agent, '/documents', fields, 'h.xlsx', xlsx)
    assert.equal(ok.statusCode, 303, ok.body)
    assert.equal(ok.headers.location, `/projects/${projectId}`)
    const after = await agent.get(`/projects/${projectId}`)
    assert.match(after.text, /Highlight report — h\.xlsx/)
  })

  it('shows a document exactly when its parent is seen: partner officers, roles and another organisation', async () => {
    const shared = (
      await upload(adminToken, 'project', projectId, 's.pdf', pdf, 'Shared paper')
    ).json<DocJson>()
    const council = (
      await upload(adminToken, 'project', unsharedId, 'c.pdf', pdf, 'Council paper')
    ).json<DocJson>()
    const panel = (
      await upload(adminToken, 'panel_report', kinds.panel_report!, 'p.pdf', pdf)
    ).json<DocJson>()
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    const status = async (token: string, url: string) => (await t.api(token, 'GET', url)).statusCode
    assert.equal(await status(partner, `/api/v1/documents/${shared.id}`), 200)
    assert.equal(await status(partner, `/api/v1/documents/${shared.id}/versions/1/content`), 200)
    assert.equal(await status(partner, `/api/v1/documents/${council.id}`), 404)
    assert.equal(await status(partner, `/api/v1/documents/${council.id}/versions/1/content`), 404)
    assert.equal(await status(partner, `/api/v1/documents?parentType=project&parentId=${unsharedId}`), 404)
    // Panel papers are not shown to partner officers, nor are the documents attached to them.
    assert.equal(await status(partner, `/api/v1/documents/${panel.id}`), 404)
    assert.equal(await status(viewer, `/api/v1/documents/${council.id}/versions/1/content`), 200)
    for (const id of [shared.id, council.id, panel.id]) {
      assert.equal(await status(foreign, `/api/v1/documents/${id}`), 404)
      assert.equal(await status(foreign, `/api/v1/documents/${id}/versions/1/content`), 404)
    }
    // Search finds a document by its title and file name only where its record is seen.
    const found = async (token: string, q: string) =>
      (await t.api(token, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}&type=document`))
        .json<{ items: Array<{ id: number }> }>()
        .items.map((i) => i.id)
    assert.ok((await found(adminToken, 'Shared paper')).includes(shared.id))
    assert.ok((await found(adminToken, 'Council paper')).includes(council.id))
    assert.ok((await found(partner, 'Shared paper')).includes(shared.id))
    assert.deepEqual(await found(partner, 'Council paper'), [])
    assert.ok(!(await found(partner, 'p pdf')).includes(panel.id))
    assert.deepEqual(await found(foreign, 'Council paper'), [])
    // Who may attach follows who may change the record: a scrutiny member attaches to a meeting, not a project.
    const member = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    assert.equal((await upload(member, 'meeting', kinds.meeting!, 'm.pdf', pdf)).statusCode, 201)
    assert.equal((await upload(member, 'project', projectId, 'm.pdf', pdf)).statusCode, 403)
    assert.equal((await upload(viewer, 'project', projectId, 'm.pdf', pdf)).statusCode, 403)
    assert.equal((await upload(foreign, 'project', projectId, 'm.pdf', pdf)).statusCode, 404)
    assert.equal((await upload(null, 'project', projectId, 'm.pdf', pdf)).statusCode, 401)
  })
})

async function postForm(
  agent: Awaited<ReturnType<typeof sessionFor>>,
  url: string,
  fields: Array<[string, string]>,
  fileName: string,
  content: Buffer,
  csrf = agent.csrf,
) {
  const { payload, contentType } = multipartBody([['_csrf', csrf], ...fields], {
    name: 'file',
    fileName,
    content,
    type: 'application/octet-stream',
  })
  const cookie = (agent as unknown as { cookieHeader(): string }).cookieHeader()
  return t.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': contentType, accept: 'text/html' },
    payload,
  })
}
