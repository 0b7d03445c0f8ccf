import { Random } from "../../sources/generator/random";

/** The generator's seeded Random with what fuzzing adds: the same seed gives the same inputs on every run. */
export class FuzzRandom extends Random {
  /** An integer in [0, max). */
  int(max: number): number {
    return this.below(max);
  }

  /** A string of `length` characters (code points, never half of one) drawn from `alphabet`. */
  text(length: number, alphabet: string): string {
    const characters = Array.from(alphabet);
    return Array.from({ length }, () => this.pick(characters)).join("");
  }

  bytes(length: number): Buffer {
    return Buffer.from(Array.from({ length }, () => this.below(256)));
  }
}
