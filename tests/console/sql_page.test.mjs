// The SQL page: Ctrl-Enter runs the statement and the rows show in the result table; a bad
// statement shows its SQLSTATE and message.
import test from "node:test";
import assert from "node:assert/strict";
import { with_console, readings_for_window, source } from "./lib/fixture.mjs";

test("the SQL page runs a query and shows its rows, and shows errors with their code", async () => {
  await with_console("sql", async ({ base, page, post, sql, wait_until }) => {
    await post(source, [...readings_for_window(0), ...readings_for_window(1)]);
    await wait_until(async () => Number((await sql(`SELECT count(*) FROM ${source}`)).rows[0][0]) >= 4, "4 readings in the source");

    await page.goto(`${base}/sql`);
    const editor = page.getByRole("textbox", { name: "SQL" });
    await editor.fill(`SELECT device, temp FROM ${source} WHERE device = 'd2' ORDER BY temp`);
    await editor.press("Control+Enter");

    const table = page.getByTestId("result-table");
    await table.waitFor();
    const headers = await table.locator("thead th").allInnerTexts();
    assert.equal(headers.length, 2);
    assert.match(headers[0], /^device/);
    assert.match(headers[1], /^temp/);
    const rows = table.locator("tbody tr");
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.nth(0).locator("td").allInnerTexts(), ["d2", "25"]);
    assert.deepEqual(await rows.nth(1).locator("td").allInnerTexts(), ["d2", "26"]);
    assert.match(await page.getByTestId("sql-result").innerText(), /SELECT 2/);
    assert.equal(await page.getByTestId("sql-error").count(), 0);

    // An unknown table: the error box names the SQLSTATE and the table, and the old rows go.
    await editor.fill("SELECT * FROM no_such_table");
    await page.getByRole("button", { name: "Run" }).click();
    const error = page.getByTestId("sql-error");
    await error.waitFor();
    const text = await error.innerText();
    assert.match(text, /42P01/);
    assert.match(text, /no_such_table/);
    assert.equal(await page.getByTestId("result-table").count(), 0);
  });
});
