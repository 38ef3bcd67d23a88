import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { HttpError } from '../errors.ts'
import { apiList, encodeCursor } from './pagination.ts'

const letters = 'abcdefg'.split('')
const fetchLetters = ({ offset, limit }: { offset: number; limit: number }) =>
  Promise.resolve(letters.slice(offset, offset + limit))

describe('apiList', () => {
  it('gives the first page and a cursor that leads to the rest', async () => {
    const first = await apiList({ limit: 3 }, fetchLetters, (l) => l.toUpperCase())
    assert.deepEqual(first.items, ['A', 'B', 'C'])
    assert.equal(first.next, encodeCursor(3))
    const last = await apiList({ limit: 5, cursor: first.next }, fetchLetters, (l) => l)
    assert.deepEqual(last.items, ['d', 'e', 'f', 'g'])
    assert.equal(last.next, null, 'the last page has no next cursor')
  })

  it('asks for one row more than the page, and pages by 50 when no limit is given', async () => {
    const asked: { offset: number; limit: number }[] = []
    await apiList(
      { cursor: encodeCursor(100) },
      (w) => {
        asked.push(w)
        return Promise.resolve([])
      },
      (x) => x,
    )
    assert.deepEqual(asked, [{ offset: 100, limit: 51 }])
  })

  it('waits for JSON that needs a further read', async () => {
    const page = await apiList({ limit: 2 }, fetchLetters, (l) => Promise.resolve(`${l}!`))
    assert.deepEqual(page.items, ['a!', 'b!'])
  })

  it('refuses a cursor it did not give with a 400 naming the field', async () => {
    await assert.rejects(
      apiList({ cursor: 'not-a-cursor' }, fetchLetters, (l) => l),
      (e: unknown) => e instanceof HttpError && e.statusCode === 400 && 'cursor' in (e.fields ?? {}),
    )
  })
})
