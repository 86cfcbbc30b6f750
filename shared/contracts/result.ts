/** The one shape of an expected outcome (zod's `safeParse` shape): data on success, an error that says why otherwise. */
export type Result<T, E = string> = { success: true; data: T } | { success: false; error: E };
