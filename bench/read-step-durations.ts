/** Each step's duration (ms) of a build, by step id, from the Cloud Build API's step timings. */
export async function readStepDurations(
  host: string,
  projectId: string,
  buildId: string,
): Promise<Record<string, number>> {
  const response = await fetch(`${host}/v1/projects/${projectId}/builds/${encodeURIComponent(buildId)}`);
  if (!response.ok) return {};
  const build = (await response.json()) as {
    steps?: Array<{ id?: string; timing?: { startTime?: string; endTime?: string } }>;
  };
  return Object.fromEntries(
    (build.steps ?? []).map((step, i) => [
      step.id ?? String(i),
      Date.parse(step.timing?.endTime ?? '') - Date.parse(step.timing?.startTime ?? ''),
    ]),
  );
}
