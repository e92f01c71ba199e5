// Pure helpers for the list the page shows: the API's order, filters, and the count of what is left.
import type { Task } from "./tasks-api";

export type Filter = "all" | "active" | "completed";
export const FILTERS: { value: Filter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "active", label: "Active" },
  { value: "completed", label: "Completed" },
];

export function filterOf(value: string | null): Filter {
  return value === "active" || value === "completed" ? value : "all";
}

export function matches(task: Task, filter: Filter): boolean {
  return filter === "all" || (filter === "active") !== task.completed;
}

/** Newest first, as the API lists them (the creation time, then the id for tasks made in the same instant). */
export function sorted(tasks: Task[]): Task[] {
  return [...tasks].sort((a, b) => (a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1));
}

/** `task` in place of the one with its id, or added in order when it is not there. */
export function upsert(tasks: Task[], task: Task): Task[] {
  return tasks.some((t) => t.id === task.id) ? tasks.map((t) => (t.id === task.id ? task : t)) : sorted([...tasks, task]);
}

export function itemsLeft(tasks: Task[]): string {
  const left = tasks.filter((task) => !task.completed).length;
  return `${left} ${left === 1 ? "item" : "items"} left`;
}
