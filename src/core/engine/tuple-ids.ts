/** Interning of small integer tuples (pod class keys) without building key strings. */

/** Dense numbers for tuples of small non-negative integers, through a trie of maps: no key strings built. */
export class TupleIds {
  private readonly root: TupleNode = { id: -1, children: undefined };
  private next = 0;

  /** The number of values[0..length), the same for equal tuples, new ones numbered 0, 1, 2, ... */
  id(values: readonly number[], length: number = values.length): number {
    let node = this.root;
    for (let i = 0; i < length; i++) {
      const v = values[i]!;
      let children = node.children;
      if (!children) node.children = children = new Map();
      let child = children.get(v);
      if (!child) children.set(v, (child = { id: -1, children: undefined }));
      node = child;
    }
    if (node.id < 0) node.id = this.next++;
    return node.id;
  }
}

interface TupleNode {
  id: number;
  children: Map<number, TupleNode> | undefined;
}
