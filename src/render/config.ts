export function renderDocument(document: unknown): string {
  return JSON.stringify(document, null, 2)
}
