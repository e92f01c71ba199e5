// The API's limits on a task, checked before sending so that nothing is cut or refused by surprise.
export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 1000;

/** Characters as the API counts them (code points: an emoji is one, not two UTF-16 units). */
export function length(text: string): number {
  return [...text].length;
}

/** What is sent: both trimmed (the API trims the title itself), an empty description as none. */
export function normalise(title: string, description: string) {
  return { title: title.trim(), description: description.trim() || null };
}

const characters = (n: number) => `${n} ${n === 1 ? "character" : "characters"}`;

/** Why this task cannot be saved, in words for people; undefined when it can. */
export function problemWith(title: string, description: string): { field: "title" | "description"; message: string } | undefined {
  const titleLength = length(title.trim());
  if (titleLength === 0) return { field: "title", message: "Give the task a title." };
  if (titleLength > TITLE_MAX) {
    return { field: "title", message: `The title is ${characters(titleLength - TITLE_MAX)} too long (${TITLE_MAX} at most).` };
  }
  const descriptionLength = length(description.trim());
  if (descriptionLength > DESCRIPTION_MAX) {
    return {
      field: "description",
      message: `The description is ${characters(descriptionLength - DESCRIPTION_MAX)} too long (${DESCRIPTION_MAX} at most).`,
    };
  }
  return undefined;
}
