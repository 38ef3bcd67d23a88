import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { contentDisposition, formatSize, safeFileName } from './attachments.rules.ts'

describe('a document’s name on the way out', () => {
  it('keeps a plain name, drops folders and characters no file system takes, and ends in its type', () => {
    assert.equal(safeFileName('Minutes 18 March.pdf', 'application/pdf'), 'Minutes 18 March.pdf')
    assert.equal(safeFileName('..\\..\\windows\\system32\\cmd.exe', 'application/pdf'), 'cmd.exe.pdf')
    assert.equal(safeFileName('../../etc/passwd', 'image/png'), 'passwd.png')
    assert.equal(
      safeFileName(
        'a\u0000b\u001b[31m"c"<d>|e?.docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ),
      'ab[31mcde.docx',
    )
    assert.equal(safeFileName('photo.JPEG', 'image/jpeg'), 'photo.JPEG')
    assert.equal(safeFileName('...', 'application/pdf'), 'document.pdf')
    assert.equal(safeFileName('.htaccess', 'image/gif'), 'htaccess.gif')
    assert.equal(safeFileName('x'.repeat(400), 'application/pdf').length, 154)
  })

  it('is always an attachment; a name beyond ASCII goes in RFC 5987 filename*, with an ASCII fallback', () => {
    assert.equal(contentDisposition('report.pdf'), 'attachment; filename="report.pdf"')
    assert.equal(
      contentDisposition('Café plan (v2).pdf'),
      `attachment; filename="Cafe plan (v2).pdf"; filename*=UTF-8''Caf%C3%A9%20plan%20%28v2%29.pdf`,
    )
    assert.equal(
      contentDisposition('計画.pdf'),
      `attachment; filename="document.pdf"; filename*=UTF-8''%E8%A8%88%E7%94%BB.pdf`,
    )
    assert.equal(
      contentDisposition('100% done.pdf'),
      `attachment; filename="100 done.pdf"; filename*=UTF-8''100%25%20done.pdf`,
    )
  })

  it('says sizes as people read them', () => {
    assert.equal(formatSize(820), '820 bytes')
    assert.equal(formatSize(14 * 1024), '14 KB')
    assert.equal(formatSize(3.2 * 1024 * 1024), '3.2 MB')
  })
})
