/** The platforms a wheel's tags name (`manylinux_2_17_x86_64, manylinux2014_x86_64`); undefined for pure wheels. */
export function formatWheelPlatform(tags: readonly string[] | undefined): string | undefined {
  const platforms = [...new Set((tags ?? []).map((tag) => tag.split('-')[2] ?? 'any'))].filter(
    (p) => p !== 'any',
  );
  return platforms.length ? platforms.join(', ') : undefined;
}
