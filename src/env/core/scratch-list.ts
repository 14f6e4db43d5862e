/**
 * A list refilled on every iteration (a batch, the requests that just
 * finished). Clearing resets a count instead of shrinking the array, which V8
 * handles on a slow path; entries beyond the count are stale and never read.
 */
export class ScratchList<T> {
  private items: T[] = [];
  size = 0;

  push(item: T): void {
    if (this.size < this.items.length) this.items[this.size] = item;
    else this.items.push(item);
    this.size++;
  }

  get(i: number): T {
    return this.items[i];
  }

  clear(): void {
    this.size = 0;
  }
}
