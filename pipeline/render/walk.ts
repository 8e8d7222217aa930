// A plain walk of a syntax tree for the render stage's own plugins. unist-util-visit gives every node it visits a
// named function (for its stack traces) and a copy of its ancestors: on a brief, that bookkeeping cost more than
// the plugins' own work. Same order and the same answers from a visitor, without them.
import type { Node, Parent } from 'unist';

/** A visitor's answer: nothing (go on), SKIP (leave this node's children out), or the index in the parent to go on at. */
export const SKIP = 'skip';
export type Step = number | typeof SKIP | undefined | void;

/**
 * Visits `tree` and every node below it that `test` accepts, in document order (a parent before its children), as
 * unist-util-visit does: `index` and `parent` are undefined for the tree itself; a visitor that splices its parent's
 * children returns the index to go on at; the children are read afresh at every step.
 */
export function walk<T extends Node, P extends Parent = Parent>(
  tree: Node,
  test: ((node: Node) => node is T) | null,
  visitor: (node: T, index: number | undefined, parent: P | undefined) => Step,
): void {
  const one = (node: Node, index: number | undefined, parent: Parent | undefined): Step => {
    const step = test === null || test(node) ? visitor(node as T, index, parent as P | undefined) : undefined;
    if (step !== SKIP && 'children' in node && Array.isArray(node.children)) {
      const self = node as Parent;
      for (let i = 0; i < self.children.length; ) {
        const next = one(self.children[i]!, i, self);
        i = typeof next === 'number' ? next : i + 1;
      }
    }
    return step;
  };
  one(tree, undefined, undefined);
}

/** Tests for walk, by node type. */
export const isType =
  <T extends Node>(type: T['type']) =>
  (node: Node): node is T =>
    node.type === type;
