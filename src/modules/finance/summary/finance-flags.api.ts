import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { todayInLondon } from '../../../domain/dates.ts'
import { financialYearOf } from '../../../domain/periods.ts'
import { STANDARD_ERRORS } from '../../../web/api-schemas.ts'

/** The finance flags, as the governance health check reads them. */
export async function financeFlagsApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  app.get(
    '/api/v1/finance/flags',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Finance flags for the current financial year, as the governance health check reads them',
        response: {
          200: Type.Object({
            financialYear: Type.String(),
            items: Type.Array(
              Type.Object({
                rule: Type.String(),
                projectId: Type.Integer(),
                projectName: Type.String(),
                detail: Type.String(),
              }),
            ),
          }),
          ...STANDARD_ERRORS,
        },
      },
    },
    async (request) => {
      const today = todayInLondon()
      return {
        financialYear: financialYearOf(today).label,
        items: await finance.flags(scopeOf(request.actor!), today),
      }
    },
  )
}
