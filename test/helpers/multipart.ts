/** A multipart/form-data body as a browser sends it: the fields in order, then the file. */
export function multipartBody(
  fields: Array<[string, string]>,
  file: { name: string; fileName: string; content: string | Buffer; type?: string },
  boundary = '----oversight-test',
): { payload: Buffer; contentType: string } {
  const parts: Buffer[] = []
  for (const [k, v] of fields)
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.fileName}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`,
    ),
    Buffer.from(file.content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}
