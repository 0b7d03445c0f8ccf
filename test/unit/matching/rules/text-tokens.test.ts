import { textTokens } from "../../../../matching/rules/text-tokens";

describe("textTokens: X's tokenization", () => {
  it.each([
    ["I like coca-cola", ["i", "like", "coca", "cola"]],
    ["I like 🍕", ["i", "like", "🍕"]],
    ["Don't stop!", ["don", "t", "stop"]],
    ["#Love @snow_man $TWTR", ["love", "snow_man", "$", "twtr"]],
    ["https://t.co/AbC", ["https", "t", "co", "abc"]],
    ["❤️❤ 👍🏽 👨‍👩‍👧", ["❤", "❤", "👍🏽", "👨‍👩‍👧"]],
    ["寿司が好き", ["寿", "司", "が", "好", "き"]],
    ["diacrítica CUMPLEAÑOS", ["diacrítica", "cumpleaños"]],
    ["a\u200bb\u00a0c", ["a", "b", "c"]],
    ["C++", ["c", "+", "+"]],
  ])("%j", (text, tokens) => {
    expect(textTokens(text)).toEqual(tokens);
  });
});
