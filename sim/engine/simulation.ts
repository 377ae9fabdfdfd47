import { EventList } from './event-list.js';

/**
 * Everything that happens is an event: a (time, priority, handler, payload) record in the
 * future-event list. Model code adds each kind of event once (`addHandler(name, fire)`) and
 * schedules it by id with a numeric payload (an instance index, a host index, a flow id), so
 * firing an event touches only typed arrays and one function call — no closure or object is
 * created per event.
 */
export type Handler = (payload: number) => void;

/** Receives one line per fired event when a replication is traced (`--trace`). */
export interface Tracer {
  event(time: number, handler: string, payload: number): void;
  note(time: number, what: string, detail?: Record<string, unknown>): void;
}

export class Simulation {
  /** Current simulated time in seconds. */
  now = 0;
  /**
   * Events this Simulation fired so far. Each Simulation counts its own: whoever wants a total
   * (a replication, a worker's chunk, a bench) adds up the Simulations it ran.
   */
  eventsFired = 0;
  readonly events: EventList;
  private handlers: Handler[] = [];
  private handlerNames: string[] = [];
  private stopped = false;
  tracer: Tracer | undefined;

  constructor(initialCapacity = 1024) {
    this.events = new EventList(initialCapacity);
  }

  /**
   * Adds a kind of event: `fire(payload)` runs when an event scheduled with the returned id
   * fires; `name` is what traces and messages show. The only way to make a handler id.
   */
  addHandler(name: string, fire: Handler): number {
    this.handlers.push(fire);
    this.handlerNames.push(name);
    return this.handlers.length - 1;
  }

  /** Fires handler `id` with `payload` after `delay` seconds. Returns a cancel token. */
  schedule(delay: number, id: number, payload = 0, priority = 0): number {
    if (!(delay >= 0)) throw new RangeError(`schedule: delay must be >= 0, got ${delay}`);
    return this.events.push(this.now + delay, id, payload, priority);
  }

  /** Fires handler `id` at absolute time `time` (not in the past). */
  at(time: number, id: number, payload = 0, priority = 0): number {
    if (!(time >= this.now)) throw new RangeError(`at: time ${time} is before now ${this.now}`);
    return this.events.push(time, id, payload, priority);
  }

  cancel(token: number): boolean {
    return this.events.cancel(token);
  }

  isPending(token: number): boolean {
    return this.events.isPending(token);
  }

  /** Time of the next event, or Infinity when none is pending. */
  peekTime(): number {
    return this.events.size > 0 ? this.events.heapTime[0] : Infinity;
  }

  /**
   * Calls handler `id` with `payload` right now, inside the event being fired (no new event, no
   * reordering). Resources use it to notify completions that belong to the event they are
   * handling (a SharedLink completion); it shows in the trace like an event.
   */
  fire(id: number, payload: number): void {
    if (this.tracer !== undefined) this.tracer.event(this.now, this.handlerNames[id], payload);
    this.handlers[id](payload);
  }

  /** Name a handler was registered with (for traces and messages). */
  handlerName(id: number): string {
    return this.handlerNames[id];
  }

  /** Stops `run` after the event being fired. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Fires events in order until none is left, `stop()` is called, or the next event is later
   * than `until`. With a finite `until` the clock ends at `until` (events at exactly `until` fire).
   */
  run(until = Infinity): void {
    const ev = this.events;
    const handlers = this.handlers;
    this.stopped = false;
    while (ev.size > 0 && !this.stopped) {
      const t = ev.heapTime[0];
      if (t > until) break;
      const slot = ev.pop();
      this.now = t;
      this.eventsFired++;
      const id = ev.handler[slot];
      const payload = ev.payload[slot];
      if (this.tracer !== undefined) this.tracer.event(t, this.handlerNames[id], payload);
      handlers[id](payload);
    }
    if (!this.stopped && until !== Infinity && this.now < until) this.now = until;
  }
}
