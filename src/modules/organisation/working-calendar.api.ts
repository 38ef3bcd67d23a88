import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { HOLIDAY_REGIONS } from '../../domain/working-days.ts'
import { IsoDate, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import type { WorkingCalendar } from './working-calendar.service.ts'

const Region = Type.Unsafe<string>({
  type: 'string',
  enum: Object.keys(HOLIDAY_REGIONS),
  description:
    'Whose bank holidays apply: GB-ENG England and Wales, GB-SCT Scotland, GB-NIR Northern Ireland',
})

const ClosureDaySchema = Type.Object({ date: IsoDate, reason: Type.String() }, { $id: 'ClosureDay' })

const WorkingDaysSchema = Type.Object(
  {
    version: Type.Integer({ description: "The organisation's version: send it to change the region" }),
    region: Region,
    regionName: Type.String(),
    closureDays: Type.Array(ClosureDaySchema),
  },
  { $id: 'WorkingDays' },
)

const WorkingDaysUpdate = Type.Object(
  { version: Type.Integer({ minimum: 1 }), region: Type.String({ maxLength: 10 }) },
  { additionalProperties: false },
)
const ClosureDayCreate = Type.Object(
  { date: Type.String({ maxLength: 10 }), reason: Type.String({ maxLength: 200 }) },
  { additionalProperties: false },
)
const ClosureDayParams = Type.Object({ date: Type.String({ maxLength: 10 }) })

function json(c: WorkingCalendar): Static<typeof WorkingDaysSchema> {
  return {
    version: c.version,
    region: c.region,
    regionName: HOLIDAY_REGIONS[c.region],
    closureDays: c.closureDays.map((d) => ({ date: d.day, reason: d.reason })),
  }
}

/** What counts as a working day for the organisation's deadlines: its bank-holiday region and closure days. */
export async function workingCalendarApi(app: FastifyInstance) {
  const { workingCalendar } = app.services
  const tags = ['Organisation settings']

  app.get(
    '/api/v1/organisation/working-days',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'The bank-holiday region and the closure days that working-day deadlines skip',
        response: { 200: WorkingDaysSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => json(await workingCalendar.get(request.actor!.organisationId)),
  )

  app.patch<{ Body: Static<typeof WorkingDaysUpdate> }>(
    '/api/v1/organisation/working-days',
    {
      config: { policy: 'organisation.admin' },
      schema: {
        tags,
        summary: 'Set whose bank holidays apply (GB-ENG, GB-SCT or GB-NIR)',
        body: WorkingDaysUpdate,
        response: { 200: WorkingDaysSchema, ...WRITE_ERRORS },
      },
    },
    async (request) =>
      json(await workingCalendar.setRegion(request.actor!, request.body.region, request.body.version)),
  )

  app.post<{ Body: Static<typeof ClosureDayCreate> }>(
    '/api/v1/organisation/closure-days',
    {
      config: { policy: 'organisation.admin' },
      schema: {
        tags,
        summary: 'Add a day the offices are closed (a local closure, an extra bank holiday)',
        body: ClosureDayCreate,
        response: { 201: ClosureDaySchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const d = await workingCalendar.addClosureDay(request.actor!, request.body)
      return reply.status(201).send({ date: d.day, reason: d.reason })
    },
  )

  app.delete<{ Params: Static<typeof ClosureDayParams> }>(
    '/api/v1/organisation/closure-days/:date',
    {
      config: { policy: 'organisation.admin' },
      schema: {
        tags,
        summary: 'Remove a closure day',
        params: ClosureDayParams,
        response: { 204: Type.Null(), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      await workingCalendar.removeClosureDay(request.actor!, request.params.date)
      return reply.status(204).send()
    },
  )
}
