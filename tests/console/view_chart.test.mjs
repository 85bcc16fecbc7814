// The View page: picking the windowed view opens its live chart (fed by the change stream) and
// table; posting more readings closes more windows and the chart gains points; the "value"
// selector picks the one plotted column, kept in the URL across a reload.
import test from "node:test";
import assert from "node:assert/strict";
import { with_console, readings_for_window, source, view } from "./lib/fixture.mjs";

async function point_count(page) {
  return Number(await page.getByTestId("point-count").innerText());
}

// The plotted series' names in uPlot's legend, without the x series.
async function series_names(page) {
  const labels = await page.locator(".uplot .u-legend .u-series .u-label").allInnerTexts();
  return labels.slice(1).map((l) => l.trim()).sort();
}

test("the view chart shows the view's windows and grows as records arrive", async () => {
  await with_console("view", async ({ base, page, post, wait_until }) => {
    // Windows 0..3: the watermark passes the ends of windows 0, 1 and 2.
    for (let i = 0; i <= 3; ++i) await post(source, readings_for_window(i));

    await page.goto(`${base}/views`);
    await page.getByRole("combobox", { name: "view" }).selectOption(view);
    await page.waitForURL(`**/views/${view}`);
    await page.getByTestId("view-chart").waitFor();
    assert.equal(await page.getByTestId("stream-status").innerText(), "live");
    // uPlot drew a canvas and a legend with one series per device of the default value column:
    // mean_temp (a double) rather than the count n (a bigint).
    await page.locator(".uplot canvas").first().waitFor();
    const value = page.getByRole("combobox", { name: "value" });
    assert.equal(await value.inputValue(), "mean_temp");
    assert.deepEqual(await value.locator("option").allInnerTexts(), ["mean_temp", "n"]);
    await wait_until(async () => (await series_names(page)).length === 2, "two series in the legend");
    assert.deepEqual(await series_names(page), ["mean_temp d1", "mean_temp d2"]);
    assert.match(await page.getByTestId("chart-caption").innerText(), /x = window_end · y = mean_temp/);

    // Windows 0, 1 and 2 are closed: one point per device and window.
    const before = await wait_until(async () => {
      const n = await point_count(page);
      return n >= 6 ? n : 0;
    }, "points in the chart");
    const rows_before = await page.locator("table.result tbody tr").count();
    assert.ok(rows_before >= 2, `${rows_before} rows in the live table`);

    // Three more windows close: the chart and the table grow without reloading the page.
    for (let i = 4; i <= 6; ++i) await post(source, readings_for_window(i));
    const after = await wait_until(async () => {
      const n = await point_count(page);
      return n >= before + 6 ? n : 0;
    }, `at least ${before + 6} points`);
    assert.equal(Number(await page.getByTestId("view-chart").getAttribute("data-points")), after);
    await wait_until(async () => (await page.locator("table.result tbody tr").count()) > rows_before, "more rows in the live table");
    const table = await page.locator("table.result").innerText();
    assert.ok(table.includes("d1") && table.includes("d2"), table);
    const rows_live = await page.locator("table.result tbody tr").count();

    // Picking n plots the counts instead, with the same points, and puts ?y=n in the URL.
    await value.selectOption("n");
    await page.waitForURL(`**/views/${view}?y=n`);
    await wait_until(async () => (await series_names(page)).join() === "n d1,n d2", "the n series in the legend");
    await wait_until(async () => (await point_count(page)) >= after, `${after} points of n`);
    assert.equal(await page.getByTestId("stream-status").innerText(), "live");
    assert.equal(await page.locator("table.result tbody tr").count(), rows_live);

    // A reload keeps the choice.
    await page.reload();
    await page.getByTestId("view-chart").waitFor();
    assert.equal(await page.getByRole("combobox", { name: "value" }).inputValue(), "n");
    await wait_until(async () => (await series_names(page)).join() === "n d1,n d2", "the n series after a reload");
    assert.match(await page.getByTestId("chart-caption").innerText(), /y = n\b/);
  });
});
