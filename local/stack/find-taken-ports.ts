import { isPortFree } from '../net/is-port-free.js';
import type { StackPorts } from './read-ports.js';

/** A fixed port of the stack's that something else listens on, with what the stack would serve there. */
export interface TakenPort {
  service: string;
  port: number;
}

const Services: Record<Exclude<keyof StackPorts, 'functions'>, string> = {
  pubsub: 'the Pub/Sub emulator',
  storage: 'the Cloud Storage stand-in',
  cloudbuild: 'the Cloud Build stand-in',
  registry: 'the Artifact Registry stand-in',
  secretmanager: 'the Secret Manager stand-in',
};

/**
 * The fixed ports in `ports` (0 is a free one, never taken) that are in use now, so a start can say
 * all of them before it starts anything rather than fail on the first one halfway up.
 */
export async function findTakenPorts(ports: StackPorts): Promise<TakenPort[]> {
  const wanted: TakenPort[] = [
    ...Object.entries(Services).map(([key, service]) => ({
      service,
      port: ports[key as keyof typeof Services] ?? 0,
    })),
    ...Object.entries(ports.functions).map(([name, port]) => ({ service: `the ${name} function`, port })),
  ].filter(({ port }) => port > 0);
  const free = await Promise.all(wanted.map(({ port }) => isPortFree(port)));
  return wanted.filter((_, at) => !free[at]);
}
