import type { PaperDocument } from './document.model.ts'

/**
 * A paper as a Word document. The `docx` library is loaded on the first render: it is large, and most
 * processes (the server at rest, the CLI) never write a document.
 */
export async function renderDocx(doc: PaperDocument): Promise<Buffer> {
  const { renderDocx: render } = await import('./docx.build.ts')
  return render(doc)
}
