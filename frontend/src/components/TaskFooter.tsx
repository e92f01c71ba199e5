"use client";
// Below the list: how many are left, the All / Active / Completed filters (kept in the URL), clear completed.
import Link from "next/link";

import { type Filter, FILTERS, itemsLeft } from "@/lib/task-list";
import type { Task } from "@/lib/tasks-api";

type Props = { tasks: Task[]; filter: Filter; onClearCompleted: () => void };

export function TaskFooter({ tasks, filter, onClearCompleted }: Props) {
  const completed = tasks.filter((task) => task.completed).length;
  return (
    <footer className="footer">
      <span className="left">{itemsLeft(tasks)}</span>
      <nav aria-label="Show">
        <ul className="filters">
          {FILTERS.map(({ value, label }) => (
            <li key={value}>
              <Link
                href={value === "all" ? "/" : `/?filter=${value}`}
                scroll={false}
                aria-current={filter === value ? "page" : undefined}
              >
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {completed > 0 && (
        <button type="button" className="quiet" id="clear-completed" onClick={onClearCompleted}>
          Clear completed ({completed})
        </button>
      )}
    </footer>
  );
}
