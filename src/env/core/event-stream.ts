import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot rxjs Observable that the event loop pushes into, like a Subject but
 * without its per-emission cost: rxjs's Node build of `Subject.next` allocates
 * a closure, an iterator and a result object on every call, which at millions
 * of events per second dominates the loop. Here `emit` is a plain loop over the
 * live subscribers. Subscribing or unsubscribing replaces the array (copy on
 * write), so a subscriber added during an emission receives from the next one;
 * one that unsubscribes mid-emission is closed at once by rxjs and receives
 * nothing more. `onObservedChange` runs whenever the stream gains its first
 * subscriber or loses its last, so the loop can skip streams nobody watches.
 */
export class EventStream<T> {
  private subscribers: Subscriber<T>[] = [];

  constructor(private readonly onObservedChange: () => void = () => {}) {}

  readonly observable = new Observable<T>((subscriber) => {
    this.subscribers = [...this.subscribers, subscriber];
    if (this.subscribers.length === 1) this.onObservedChange();
    return () => {
      const before = this.subscribers.length;
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
      if (before > 0 && this.subscribers.length === 0) this.onObservedChange();
    };
  });

  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  emit(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i].next(value);
  }

  complete(): void {
    const subscribers = this.subscribers;
    this.subscribers = [];
    for (const s of subscribers) s.complete();
    if (subscribers.length > 0) this.onObservedChange();
  }
}
