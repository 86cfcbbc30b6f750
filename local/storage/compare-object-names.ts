/** Orders names by their UTF-8 bytes, as Cloud Storage lists them (JavaScript's `<` compares UTF-16 units). */
export function compareObjectNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
