import { DropReport } from "../../../../sources/x/drop-report";

describe("the report of dropped tweets", () => {
  let lines: string[];
  let report: DropReport;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    lines = [];
    report = new DropReport(10_000, 5, { warn: (line: string) => void lines.push(line) });
  });
  afterEach(() => jest.useRealTimers());

  it("says the first drop at once, then at most once per interval", () => {
    report.record();
    expect(lines).toEqual([
      "X stream: dropped 1 tweets (1 in all): the consumer is behind and the buffer of 5 tweets is full",
    ]);
    report.record();
    report.record();
    jest.advanceTimersByTime(9_999);
    expect(lines).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^X stream: dropped 2 tweets \(3 in all\)/)]);
    expect(report.dropped).toBe(3);
  });

  it("says the drops not yet reported when the source ends, and nothing when there are none", () => {
    report.record();
    report.record();
    report.report();
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^X stream: dropped 1 tweets \(2 in all\)/)]);
    report.report();
    jest.runAllTimers();
    expect(lines).toHaveLength(2);
  });
});
