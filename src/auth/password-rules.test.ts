import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PASSWORD_MESSAGES, passwordProblem } from './password-rules.ts'

const person = { email: 'priya.shah@alpha.gov.uk', name: 'Priya Shah' }

test('the passwords the issue names are refused, each with its reason', () => {
  assert.equal(passwordProblem('password12', person), PASSWORD_MESSAGES.tooShort)
  assert.equal(passwordProblem('1234567890', person), PASSWORD_MESSAGES.tooShort)
  assert.equal(passwordProblem('priya.shah@alpha.gov.uk', person), PASSWORD_MESSAGES.personal)
})

test('common and breached passwords are refused at any length, also with digits or symbols around them', () => {
  for (const p of [
    'qwertyuiop123',
    'password1234',
    'Football2024!',
    '123456789012',
    'aaaaaaaaaaaaaa',
    'abababababab',
  ])
    assert.equal(passwordProblem(p, person), PASSWORD_MESSAGES.common, p)
})

test('the person’s name, email address or the part before the @ are refused anywhere in the password', () => {
  for (const p of ['my name is Priya Shah', 'PRIYA.SHAH rules the budget', 'xx priya_shah 2026 yy'])
    assert.equal(passwordProblem(p, person), PASSWORD_MESSAGES.personal, p)
})

test('any characters are allowed, with no composition rules, up to 128 characters', () => {
  for (const p of [
    'correct horse battery staple',
    'all lower case words here',
    'глубокое синее озеро',
    'três palavras aleatórias',
    '🐢🐢 slow and steady 🐢🐢',
    'a quite long passphrase '.repeat(5),
  ])
    assert.equal(passwordProblem(p, person), null, p)
  const long = 'abcdefghij'.repeat(12) + 'klmnopqr' // 128 characters
  assert.equal(passwordProblem(long, person), null)
  assert.equal(passwordProblem(long + 's', person), PASSWORD_MESSAGES.tooLong)
})

test('length is counted in characters as a person counts them', () => {
  // 11 emoji are 22 UTF-16 units but 11 characters: too short.
  assert.equal(passwordProblem('🐢🦊🐝🦉🐙🦀🐌🦋🐞🦎🐬'), PASSWORD_MESSAGES.tooShort)
})

test('without a person (the demo password) only the length and the common list apply', () => {
  assert.equal(passwordProblem('a demo password'), null)
  assert.equal(passwordProblem('trustno1trustno1'), PASSWORD_MESSAGES.common)
})
