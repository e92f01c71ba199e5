"use client";
// "Deleted … Undo": the deletion is only sent once this has gone, so Undo brings the task back exactly as it was.
import type { Undo } from "@/lib/use-deletes";

export function UndoToast({ undo, onUndo }: { undo?: Undo; onUndo: () => void }) {
  return (
    <div className="toast-area" role="status">
      {undo && (
        <div className="toast" key={undo.serial}>
          <span>Deleted {undo.label}.</span>
          <button type="button" id="undo" onClick={onUndo}>
            Undo
          </button>
        </div>
      )}
    </div>
  );
}
