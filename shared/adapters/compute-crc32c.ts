/** CRC32C (Castagnoli) of bytes, as Secret Manager's `dataCrc32c`; the storage client ships the implementation. */
export async function computeCrc32c(bytes: Uint8Array): Promise<number> {
  const { CRC32C } = await import('@google-cloud/storage');
  const crc = new CRC32C();
  crc.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  // valueOf is a signed 32-bit int; Secret Manager sends the unsigned value.
  return crc.valueOf() >>> 0;
}
