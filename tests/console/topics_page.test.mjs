// The Topics page: the source's topic is listed with its partitions, and while records are
// posted its in-rate (from two polls 2 s apart) is positive.
import test from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { with_console, readings_for_window, source } from "./lib/fixture.mjs";

test("the topics page lists the topic with a live rate", async () => {
  await with_console("topics", async ({ base, page, post, wait_until }) => {
    await post(source, readings_for_window(0));
    await page.goto(`${base}/topics`);
    const row = page.locator(`tr[data-topic="${source}"]`);
    await row.waitFor();
    const cells = await row.locator("td").allInnerTexts();
    assert.equal(cells[0].trim(), source);
    assert.equal(cells[1], "1"); // partitions

    // Post readings for a while; the in-rate must turn positive.
    let posting = true;
    const poster = (async () => {
      for (let i = 1; posting && i < 200; ++i) {
        await post(source, readings_for_window(i));
        await sleep(200);
      }
    })();
    try {
      const rate = await wait_until(async () => {
        const text = await row.locator("td.rate-in").innerText();
        const v = parseFloat(text);
        return Number.isFinite(v) && v > 0 ? text : null;
      }, "a positive in-rate", 20000);
      assert.match(rate, /\/s$/);
    } finally {
      posting = false;
      await poster;
    }
    const records = Number((await row.locator("td").nth(2).innerText()).replace(/,/g, ""));
    assert.ok(records >= 4, `${records} records shown`);
  });
});
