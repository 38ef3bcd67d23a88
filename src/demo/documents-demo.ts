import { h2, list, para } from '../documents/document.model.ts'
import { renderOne } from '../documents/render.ts'
import { storeInTransaction } from '../imports/file-store.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'
import type { DemoContext } from './extensions.ts'

/**
 * Documents (issue 13): the agenda pack of the panel's March 2021 meeting, published on Wednesday 10 March
 * (five clear working days before the Thursday 18 March meeting), and the customer insight project's brief,
 * attached when it started. Both are made by the papers' own PDF and DOCX renderers.
 */
export async function documentsDemo({ trx, organisationId }: DemoContext): Promise<void> {
  const meeting = await trx
    .selectFrom('meetings')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('meeting_date', '=', '2021-03-18')
    .executeTakeFirst()
  const project = await trx
    .selectFrom('projects')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('reference', '=', 'ICT-03')
    .executeTakeFirst()
  const papers = [
    meeting && {
      parentType: 'meeting',
      parentId: meeting.id,
      title: 'Agenda pack',
      fileName: 'digital-panel-agenda-pack-2021-03-18.pdf',
      contentType: 'application/pdf',
      at: '2021-03-10T09:30:00.000Z',
      bytes: await renderOne(
        {
          title: 'Digital Scrutiny Panel: agenda pack',
          subtitle: 'Thursday 18 March 2021, 6:30pm, online (Microsoft Teams)',
          language: 'en-GB',
          author: 'Democratic Services, Marshland District Council',
          blocks: [
            h2('Agenda'),
            list(
              [
                'Apologies and declarations of interest',
                'Digital programme progress report',
                'Work programme',
              ],
              true,
            ),
            para('Published on 10 March 2021, five clear working days before the meeting.'),
          ],
        },
        'pdf',
      ),
    },
    project && {
      parentType: 'project',
      parentId: project.id,
      title: 'Project brief',
      fileName: 'ICT-03-project-brief.docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      at: '2020-06-01T10:00:00.000Z',
      bytes: await renderOne(
        {
          title: `Project brief: ${project.name}`,
          language: 'en-GB',
          author: 'ICT Client Team, Marshland District Council',
          blocks: [
            h2('Purpose'),
            para(
              'Understand how residents use the council’s website, social media and contact centre, to design services around them.',
            ),
          ],
        },
        'docx',
      ),
    },
  ]
  for (const p of papers) {
    if (!p) continue
    const stored = await storeInTransaction(trx, organisationId, p.fileName, p.bytes, p.at)
    const document = await trx
      .insertInto('documents')
      .values({
        organisation_id: organisationId,
        parent_type: p.parentType,
        parent_id: p.parentId,
        title: p.title,
        file_name: p.fileName,
        content_type: p.contentType,
        latest_version: 1,
        created_by_name: DEMO_ACTOR.label,
        removed_at: null,
        created_at: p.at,
        updated_at: p.at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const version = await trx
      .insertInto('document_versions')
      .values({
        organisation_id: organisationId,
        document_id: document.id,
        number: 1,
        stored_file_id: stored.id,
        file_name: p.fileName,
        content_type: p.contentType,
        size: stored.size,
        sha256: stored.sha256,
        uploaded_by: null,
        uploaded_by_name: DEMO_ACTOR.label,
        uploaded_at: p.at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType: 'document',
      entityId: document.id,
      after: { ...document, versions: [version] },
    })
  }
}
