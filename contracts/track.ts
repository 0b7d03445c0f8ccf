import { z } from "zod";

/** Track phrases as the v1.1 `track` parameter took them: the limits a launch and a follow are held to. */

const MAX_PHRASE_BYTES = 60;
const MAX_PHRASES = 400;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, "utf8");

/**
 * One phrase, trimmed. Commas are rejected rather than split: in a v1.1 `track` parameter the comma
 * separated phrases, so a phrase holding one is almost surely two phrases given as one.
 */
export const TrackPhrase: z.ZodType<string> = z
  .string()
  .trim()
  .min(1, "a track phrase must not be blank")
  .refine((phrase) => utf8Bytes(phrase) <= MAX_PHRASE_BYTES, "each track phrase must be 1 to 60 bytes of UTF-8")
  .refine(
    (phrase) => !phrase.includes(","),
    "a track phrase must not contain a comma: commas separated phrases in a v1.1 track, give each phrase on its own",
  );

/** A whole track: 1 to 400 phrases, as the v1.1 API allowed. */
export const Track: z.ZodType<string[]> = z
  .array(TrackPhrase)
  .min(1, "a track must have 1 to 400 phrases")
  .max(MAX_PHRASES, "a track must have 1 to 400 phrases");

/**
 * A phrase as timelines and follows name it: lowercase with single spaces, as the matcher compares its
 * terms, so that `Follow  Me` and `follow me` are one timeline and one follow.
 */
export function normalizePhrase(phrase: string): string {
  return phrase.trim().toLowerCase().split(/\s+/).join(" ");
}
