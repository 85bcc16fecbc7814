// The View page: picking the windowed view opens its live chart (fed by the change stream) and
// table; posting more readings closes more windows and the chart gains points.
import test from "node:test";
import assert from "node:assert/strict";
import { with_console, readings_for_window, source, view } from "./lib/fixture.mjs";

async function point_count(page) {
  return Number(await page.getByTestId("point-count").innerText());
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
    // uPlot drew a canvas and a legend with one series per numeric column and device.
    await page.locator(".uplot canvas").first().waitFor();
    const legend = await page.locator(".uplot .u-legend").innerText();
    for (const label of ["mean_temp d1", "mean_temp d2", "n d1", "n d2"]) assert.ok(legend.includes(label), `legend lacks ${label}: ${legend}`);
    assert.match(await page.getByTestId("chart-caption").innerText(), /x = window_end/);

    const before = await wait_until(async () => {
      const n = await point_count(page);
      return n >= 4 ? n : 0;
    }, "points in the chart");
    const rows_before = await page.locator("table.result tbody tr").count();
    assert.ok(rows_before >= 2, `${rows_before} rows in the live table`);

    // Three more windows close: the chart and the table grow without reloading the page.
    for (let i = 4; i <= 6; ++i) await post(source, readings_for_window(i));
    const after = await wait_until(async () => {
      const n = await point_count(page);
      return n > before ? n : 0;
    }, `more than ${before} points`);
    assert.ok(after >= before + 4, `points went from ${before} to ${after}`);
    assert.equal(Number(await page.getByTestId("view-chart").getAttribute("data-points")), after);
    await wait_until(async () => (await page.locator("table.result tbody tr").count()) > rows_before, "more rows in the live table");
    const table = await page.locator("table.result").innerText();
    assert.ok(table.includes("d1") && table.includes("d2"), table);
  });
});
