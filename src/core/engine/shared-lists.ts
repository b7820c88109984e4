/**
 * Lists built by appending items to owners (pod classes), shared between owners that received the same
 * items in the same order: a trie of lists. 100,000 classes selected by the same few policies then hold a
 * handful of arrays between them, not one growable array each.
 */
export class SharedLists<T> {
  private readonly root: ListNode<T> = { list: [], next: undefined };
  private readonly at: ListNode<T>[];

  constructor(owners: number) {
    this.at = new Array<ListNode<T>>(owners).fill(this.root);
  }

  append(owner: number, item: T): void {
    const node = this.at[owner]!;
    let next = node.next?.get(item);
    if (!next) {
      next = { list: [...node.list, item], next: undefined };
      (node.next ??= new Map()).set(item, next);
    }
    this.at[owner] = next;
  }

  /** Each owner's list (owners with equal lists share one array: never modify them). */
  lists(): (readonly T[])[] {
    return this.at.map((n) => n.list);
  }
}

interface ListNode<T> {
  readonly list: readonly T[];
  next: Map<T, ListNode<T>> | undefined;
}
