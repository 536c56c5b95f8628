/**
 * The People page's order: Label Studio's `order_by('user__username')`, as English collation, then
 * the user id for equal names.
 */
export const usernameOrder = new Intl.Collator('en');

interface Entry {
  userId: number;
  username: string;
}

const compare = (a: Entry, b: Entry): number =>
  usernameOrder.compare(a.username, b.username) || a.userId - b.userId;

/** The first position whose entry is not before `entry`. */
function lowerBound(entries: Entry[], entry: Entry): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(entries[middle], entry) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * One organization's members in People page order, kept sorted as they join, leave and are
 * renamed, so that a page is a slice and never a sort of everyone. Members whose account is not
 * known yet (the owners' updates arrive in any order) are counted: while there are any, the order
 * is not complete and the page is asked of the owners instead. The order is first built when it
 * is first read (a replica catching up does not sort at every arrival).
 */
export class MemberOrder {
  /** Each member's username, or null while their account is not known. */
  private readonly usernames = new Map<number, string | null>();
  private withoutAccount = 0;
  private entries: Entry[] | null = null;

  /** Adds a member, or moves them to where their (new) username belongs. */
  set(userId: number, username: string | undefined): void {
    const next = username ?? null;
    const previous = this.usernames.get(userId);
    if (previous === next && previous !== undefined) return;
    if (previous !== undefined) this.delete(userId);
    this.usernames.set(userId, next);
    if (next === null) {
      this.withoutAccount++;
    } else if (this.entries) {
      const entry = { userId, username: next };
      this.entries.splice(lowerBound(this.entries, entry), 0, entry);
    }
  }

  delete(userId: number): void {
    const previous = this.usernames.get(userId);
    if (previous === undefined) return;
    this.usernames.delete(userId);
    if (previous === null) {
      this.withoutAccount--;
    } else if (this.entries) {
      const at = lowerBound(this.entries, { userId, username: previous });
      if (this.entries[at]?.userId === userId) this.entries.splice(at, 1);
    }
  }

  /** Whether every member's account is known, so that the order lists everyone. */
  get complete(): boolean {
    return this.withoutAccount === 0;
  }

  /** How many members are in the order. */
  get size(): number {
    return this.usernames.size - this.withoutAccount;
  }

  /** The user ids at positions `start` (inclusive) to `end` (exclusive). */
  slice(start: number, end: number): number[] {
    return this.ordered()
      .slice(start, end)
      .map((entry) => entry.userId);
  }

  private ordered(): Entry[] {
    if (!this.entries) {
      const entries: Entry[] = [];
      for (const [userId, username] of this.usernames) {
        if (username !== null) entries.push({ userId, username });
      }
      this.entries = entries.sort(compare);
    }
    return this.entries;
  }
}
