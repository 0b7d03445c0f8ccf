/** Conventions shared by Twitter's v1.1 and v2 payloads. */

const ESCAPED = /&(amp|lt|gt);/g;
const UNESCAPED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">" };

/**
 * Twitter escapes `&`, `<` and `>` in tweet text (v1.1 and v2 alike); tracking "AT&T" must match
 * what the author wrote, so the text is unescaped once (`&amp;lt;` becomes `&lt;`).
 */
export function unescapeTweetText(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ESCAPED, (escaped, name: string) => UNESCAPED[name] ?? escaped);
}

export interface LinkEntity {
  expanded_url?: string | null | undefined;
  display_url?: string | null | undefined;
}

/**
 * Every form of the links that track phrases may match: each link's expanded and display URL,
 * in order, without repeats (media appear in several entity lists) and without missing ones.
 */
export function linkForms(...lists: ReadonlyArray<readonly LinkEntity[] | null | undefined>): string[] {
  const forms: string[] = [];
  for (const list of lists) {
    if (!list) continue;
    for (const link of list) {
      if (link.expanded_url && !forms.includes(link.expanded_url)) forms.push(link.expanded_url);
      if (link.display_url && !forms.includes(link.display_url)) forms.push(link.display_url);
    }
  }
  return forms;
}
