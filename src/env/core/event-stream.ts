import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot rxjs Observable that the event loop pushes into, like a Subject but
 * without its per-emission cost: rxjs's Node build of `Subject.next` allocates
 * a closure, an iterator and a result object on every call, which at millions
 * of events per second dominates the loop. Here `emit` is a plain loop over the
 * live subscribers. Subscribing or unsubscribing replaces the array (copy on
 * write), so a subscriber added during an emission receives from the next one;
 * one that unsubscribes mid-emission is closed at once by rxjs and receives
 * nothing more.
 */
export class EventStream<T> {
  private subscribers: Subscriber<T>[] = [];

  readonly observable = new Observable<T>((subscriber) => {
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber);
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
  }
}
