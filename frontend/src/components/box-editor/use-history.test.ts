import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { useHistory } from "./use-history";

describe("useHistory", () => {
  it("undoes and redoes every step", () => {
    const { result } = renderHook(() => useHistory<number[]>([]));
    expect(result.current.canUndo).toBe(false);
    act(() => result.current.push([1]));
    act(() => result.current.push([1, 2]));
    act(() => result.current.push([1, 2, 3]));
    expect(result.current.present).toEqual([1, 2, 3]);

    let state: number[] | undefined;
    act(() => {
      state = result.current.undo();
    });
    expect(state).toEqual([1, 2]);
    expect(result.current.present).toEqual([1, 2]);
    act(() => {
      result.current.undo();
      result.current.undo();
    });
    expect(result.current.present).toEqual([]);
    expect(result.current.canUndo).toBe(false);
    expect(result.current.canRedo).toBe(true);
    act(() => {
      expect(result.current.undo()).toBeUndefined();
    });

    act(() => {
      result.current.redo();
      state = result.current.redo();
    });
    expect(state).toEqual([1, 2]);
    expect(result.current.present).toEqual([1, 2]);
  });

  it("drops the redo branch on a new edit", () => {
    const { result } = renderHook(() => useHistory("a"));
    act(() => result.current.push("b"));
    act(() => result.current.push("c"));
    act(() => {
      result.current.undo();
    });
    act(() => result.current.push("d"));
    expect(result.current.canRedo).toBe(false);
    act(() => {
      expect(result.current.redo()).toBeUndefined();
    });
    act(() => {
      result.current.undo();
    });
    expect(result.current.present).toBe("b");
  });

  it("reads the latest state synchronously within one event", () => {
    const { result } = renderHook(() => useHistory(0));
    act(() => {
      result.current.push(result.current.get() + 1);
      result.current.push(result.current.get() + 1);
    });
    expect(result.current.present).toBe(2);
    act(() => {
      result.current.undo();
      result.current.undo();
    });
    expect(result.current.present).toBe(0);
  });

  it("accepts a lazy initial value and keeps long histories", () => {
    const { result } = renderHook(() => useHistory(() => 0));
    act(() => {
      for (let i = 1; i <= 500; i++) result.current.push(i);
    });
    act(() => {
      for (let i = 0; i < 500; i++) result.current.undo();
    });
    expect(result.current.present).toBe(0);
    expect(result.current.canUndo).toBe(false);
  });
});
