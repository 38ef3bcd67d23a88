/** An error with an HTTP status that the error handler shows as it is (no stack, no 500). */
export class HttpError extends Error {
  constructor(
    public readonly statusCode: number,
    message: string,
    public readonly fields?: Record<string, string>,
  ) {
    super(message)
  }
}

export const notFound = (what = 'Page') => new HttpError(404, `${what} not found`)
export const forbidden = () => new HttpError(403, 'You do not have permission to do that')

/** Field errors from a rule check: the API answers 400 with them; pages show the GOV.UK error summary. */
export class ValidationError extends HttpError {
  constructor(fields: Record<string, string>) {
    super(400, 'Some details need correcting', fields)
  }
}

/** Refuses a write whose validation found problems (each field's message), and lets a clean one through. */
export function throwIfInvalid(errors: Record<string, string>): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

/** A stale edit: someone else saved the record after this form was loaded. */
export class ConflictError<T = unknown> extends HttpError {
  constructor(public readonly current: T) {
    const version = (current as { version?: unknown } | null)?.version
    super(
      409,
      'This record was changed by someone else after you read it',
      typeof version === 'number'
        ? { version: `The record is now at version ${version}: read it again and reapply your change` }
        : undefined,
    )
  }
}
