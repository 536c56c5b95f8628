import { MemberOrder, usernameOrder } from './member-order';

const namesOf = (order: MemberOrder, names: Map<number, string>) =>
  order.slice(0, order.size).map((id) => names.get(id));

describe('MemberOrder', () => {
  it('lists members by username (English collation), then by id, whatever order they arrive in', () => {
    const order = new MemberOrder();
    const names = new Map([
      [1, 'bob'],
      [2, 'Alice'],
      [3, 'alice'],
      [4, 'émile'],
      [5, 'zed'],
      [6, 'alice'],
    ]);
    for (const [id, name] of names) order.set(id, name);
    const expected = [...names.entries()]
      .sort(([a, x], [b, y]) => usernameOrder.compare(x, y) || a - b)
      .map(([, name]) => name);
    expect(namesOf(order, names)).toEqual(expected);
  });

  it('keeps the order as members are renamed, join and leave after it was first read', () => {
    const order = new MemberOrder();
    for (let id = 1; id <= 2000; id++) order.set(id, `user${String(id).padStart(4, '0')}`);
    expect(order.slice(999, 1001)).toEqual([1000, 1001]);
    order.set(5, 'zzz');
    order.set(1500, 'aaa');
    order.set(3000, 'user1000b');
    order.delete(10);
    expect(order.size).toBe(2000);
    expect(order.slice(0, 1)).toEqual([1500]);
    expect(order.slice(1999, 2000)).toEqual([5]);
    const at = order.slice(0, order.size).indexOf(3000);
    expect(order.slice(at - 1, at + 2)).toEqual([1000, 3000, 1001]);
    expect(order.slice(0, order.size)).not.toContain(10);
  });

  it('is incomplete while a member has no known account, and leaves them out of the count', () => {
    const order = new MemberOrder();
    order.set(1, 'a');
    order.set(2, undefined);
    expect(order.complete).toBe(false);
    expect(order.size).toBe(1);
    order.set(2, 'b');
    expect(order.complete).toBe(true);
    expect(order.slice(0, 2)).toEqual([1, 2]);
    order.set(2, undefined);
    order.delete(2);
    expect(order.complete).toBe(true);
    expect(order.slice(0, 2)).toEqual([1]);
  });
});
