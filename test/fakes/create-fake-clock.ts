/** A clock that stands still until a test moves it. */
export function createFakeClock(start = '2024-05-01T12:00:00.000Z'): {
  now: () => Date;
  advance: (ms: number) => void;
} {
  let time = Date.parse(start);
  return {
    now: () => new Date(time),
    advance: (ms) => {
      time += ms;
    },
  };
}
