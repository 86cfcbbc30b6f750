/** GitHub's own payload cap: the most a delivery's raw body may hold, counted as it is read. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;
