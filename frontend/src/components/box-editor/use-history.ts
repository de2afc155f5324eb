/**
 * Undo/redo over the full edit history of a value. `push` records a new state (and drops the redo
 * branch); `undo`/`redo` return the state they moved to, or undefined when there is none, so the
 * caller can report it (e.g. to onChange) without waiting for a re-render.
 */
import { useCallback, useRef, useState } from "react";

type State<T> = { past: T[]; present: T; future: T[] };

export type History<T> = {
  present: T;
  /** The latest state, even before the render that shows it. */
  get: () => T;
  canUndo: boolean;
  canRedo: boolean;
  push: (next: T) => void;
  undo: () => T | undefined;
  redo: () => T | undefined;
};

export function useHistory<T>(initial: T | (() => T)): History<T> {
  const [state, setState] = useState<State<T>>(() => ({
    past: [],
    present: typeof initial === "function" ? (initial as () => T)() : initial,
    future: [],
  }));
  // The latest state, readable synchronously by several calls within one event.
  const ref = useRef(state);
  const commit = useCallback((next: State<T>) => {
    ref.current = next;
    setState(next);
  }, []);

  const push = useCallback(
    (next: T) => {
      const { past, present } = ref.current;
      commit({ past: [...past, present], present: next, future: [] });
    },
    [commit],
  );

  const undo = useCallback(() => {
    const { past, present, future } = ref.current;
    if (past.length === 0) return undefined;
    const previous = past[past.length - 1];
    commit({ past: past.slice(0, -1), present: previous, future: [present, ...future] });
    return previous;
  }, [commit]);

  const redo = useCallback(() => {
    const { past, present, future } = ref.current;
    if (future.length === 0) return undefined;
    const [next, ...rest] = future;
    commit({ past: [...past, present], present: next, future: rest });
    return next;
  }, [commit]);

  const get = useCallback(() => ref.current.present, []);

  return {
    present: state.present,
    get,
    canUndo: state.past.length > 0,
    canRedo: state.future.length > 0,
    push,
    undo,
    redo,
  };
}
