// The Dead letters page: records the source could not read, and records behind the watermark,
// are listed with the reason spate wrote into each.
import test from "node:test";
import assert from "node:assert/strict";
import { with_console, readings_for_window, source, view } from "./lib/fixture.mjs";

test("the dead letters page shows invalid and late records with their reasons", async () => {
  await with_console("dead", async ({ base, page, post, sql, wait_until }) => {
    for (let i = 0; i <= 3; ++i) await post(source, readings_for_window(i));
    await post(source, [
      { partition: 0, value: "this is not json" },
      { partition: 0, value: { device: null, temp: 1, ts: "2024-01-01 00:00:35" } },
    ]);
    // Once the view has emitted windows 0..2 (the watermark passed them), a reading for
    // window 0 is late.
    await wait_until(async () => Number((await sql(`SELECT count(*) FROM ${view}`)).rows[0][0]) >= 6, "windows 0..2 in the view");
    await post(source, [{ partition: 0, value: { device: "d1", temp: 99, ts: "2024-01-01 00:00:02" } }]);

    await page.goto(`${base}/dead-letters`);
    const list = page.getByTestId("dead-letter-topics");
    await list.getByText(`${source}_dead_letter`).waitFor();
    await list.getByText(`${source}_late`).waitFor();
    // Regular topics are not listed.
    assert.equal(await list.getByText(source, { exact: true }).count(), 0);

    await list.getByText(`${source}_dead_letter`).click();
    await page.waitForURL(`**/dead-letters/${source}_dead_letter`);
    const table = page.getByTestId("dead-letter-records");
    await wait_until(async () => (await table.locator("tbody tr").count()) === 2, "2 dead letters", 15000);
    const reasons = await table.locator("td.reason").allInnerTexts();
    assert.ok(reasons.some((r) => r.includes('"device" is NULL but declared NOT NULL')), reasons.join("\n"));
    assert.ok(reasons.every((r) => r.trim() !== "" && !r.includes("no reason field")), reasons.join("\n"));
    assert.ok((await table.innerText()).includes("this is not json"));

    await list.getByText(`${source}_late`).click();
    await wait_until(async () => (await page.locator("td.reason").allInnerTexts()).some((r) => r.includes("behind the watermark")), "the late record's reason", 15000);
  });
});
