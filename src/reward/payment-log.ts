import { TEAM, type Beneficiary } from './reward-term.js';

/**
 * The weighted payments the reward terms made while scoring one event, kept
 * until credit assignment takes them in the event's Assign phase. The arrays
 * are refilled, never reallocated, once they have grown to the largest event.
 */
export class PaymentLog {
  private readonly amounts: number[] = [];
  private readonly recipients: Beneficiary[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(amount: number, to: Beneficiary): void {
    if (this.count < this.amounts.length) {
      this.amounts[this.count] = amount;
      this.recipients[this.count] = to;
    } else {
      this.amounts.push(amount);
      this.recipients.push(to);
    }
    this.count++;
  }

  amount(i: number): number {
    return this.amounts[i];
  }

  recipient(i: number): Beneficiary {
    return this.recipients[i];
  }

  /** Empties the log; the entries are overwritten so that a cleared log keeps no request alive. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.recipients[i] = TEAM;
    this.count = 0;
  }
}
