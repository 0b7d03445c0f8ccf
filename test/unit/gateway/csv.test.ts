import { csvField, seriesCsv } from "../../../gateway/csv";

describe("CSV answers", () => {
  it("quote a field with a comma, a quote or a line break, doubling quotes inside", () => {
    expect(csvField("love")).toBe("love");
    expect(csvField(3)).toBe("3");
    expect(csvField('say "hi", all')).toBe('"say ""hi"", all"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("write a series as a header row, then a row per bucket with a column per phrase", () => {
    const csv = seriesCsv({
      run_id: "run-1",
      clock: "event",
      resolution: "1s",
      from: "1970-01-01T00:00:00.000Z",
      to: "1970-01-01T00:00:02.000Z",
      points: [
        { at: "1970-01-01T00:00:00.000Z", amount: 2, per_phrase: { love: 2, "a, b": 0 } },
        { at: "1970-01-01T00:00:01.000Z", amount: 1, per_phrase: { love: 0, "a, b": 1 } },
      ],
      total: 3,
    });
    expect(csv).toBe('at,amount,love,"a, b"\r\n1970-01-01T00:00:00.000Z,2,2,0\r\n1970-01-01T00:00:01.000Z,1,0,1\r\n');
  });
});
