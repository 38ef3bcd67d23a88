import { Type } from '@sinclair/typebox'
import { Nullable } from '../../web/api-schemas.ts'

// The API's owner fields (issue 10), one shape for every record that has an owner: the person's id, and the
// name kept for clients written before owners were people.

/** A write's person id: a person from /api/v1/people of the same organisation; null for nobody. */
export const PersonIdBody = (nameField: string) =>
  Nullable(
    Type.Integer({
      minimum: 1,
      description: `A person from /api/v1/people (of this organisation); null for nobody. Wins over ${nameField}`,
    }),
  )

/** A write's owner name: the register's person of that name (any case), or a new person added to it. */
export const OwnerNameBody = Type.String({
  maxLength: 200,
  description:
    'Or a name: the people register’s person of that name (in any case), or a new person added to it',
})

/** A response's person id. */
export const PersonIdField = (what: string) =>
  Nullable(Type.Integer({ description: `${what} in the people register (/api/v1/people/{id})` }))
