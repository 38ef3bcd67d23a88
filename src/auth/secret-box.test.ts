import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openSecret, parseSecretKey, sealSecret, type SecretKey } from './secret-box.ts'

const key = parseSecretKey('11'.repeat(32)) as SecretKey

test('a sealed secret opens with the same key and context, and only then', () => {
  const sealed = sealSecret(key, 'client-secret-value', 'oidc:1')
  assert.ok(!sealed.includes('client-secret-value'))
  assert.equal(openSecret(key, sealed, 'oidc:1'), 'client-secret-value')
  assert.equal(openSecret(key, sealed, 'oidc:2'), null)
  assert.equal(openSecret(parseSecretKey('22'.repeat(32)) as SecretKey, sealed, 'oidc:1'), null)
  const [v, iv, tag, ct] = sealed.split('.')
  const flipped = `${v}.${iv}.${tag}.${ct!.slice(0, -2)}${ct!.endsWith('A') ? 'B' : 'A'}${ct!.slice(-1)}`
  assert.equal(openSecret(key, flipped, 'oidc:1'), null)
  assert.notEqual(sealSecret(key, 'same', 'oidc:1'), sealSecret(key, 'same', 'oidc:1'))
})

test('a key must be 32 bytes', () => {
  assert.equal(typeof parseSecretKey('abc'), 'string')
  assert.equal((parseSecretKey(Buffer.alloc(32, 7).toString('base64')) as Buffer).length, 32)
})
