// The Pipelines page: the view's operator graph is drawn, one box per operator of
// /api/pipelines and one arrow per edge, with the watermark once records have arrived.
import test from "node:test";
import assert from "node:assert/strict";
import { with_console, readings_for_window, source, view } from "./lib/fixture.mjs";

test("the pipelines page draws the view's operator graph", async () => {
  await with_console("pipelines", async ({ base, page, post, wait_until }) => {
    for (let i = 0; i <= 2; ++i) await post(source, readings_for_window(i));
    const api = await (await fetch(`${base}/api/pipelines`)).json();
    const p = api.pipelines.find((x) => x.name === view);
    assert.ok(p, `no ${view} in /api/pipelines: ${JSON.stringify(api)}`);
    assert.ok(p.operators.length >= 2, `${p.operators.length} operators`);

    await page.goto(`${base}/pipelines`);
    const card = page.locator(`article[data-pipeline="${view}"]`);
    await card.waitFor();
    assert.match(await card.locator("h2").innerText(), new RegExp(`${view}\\s+view`));
    const graph = card.getByTestId("pipeline-graph");
    await graph.waitFor();
    assert.equal(await graph.locator("g.op").count(), p.operators.length);
    assert.equal(await graph.locator("polyline.edge").count(), p.edges.length);
    const drawn = await graph.innerText().catch(() => "");
    const texts = drawn || (await graph.textContent());
    for (const op of p.operators) {
      const shown = op.description.slice(0, 30); // long ones are cut after 41 characters
      assert.ok(texts.includes(shown), `operator ${op.id} "${op.description}" is not drawn`);
    }
    // Boxes do not overlap: dagre puts each at its own place.
    const boxes = await graph.locator("g.op rect").evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect()).map((b) => [b.x, b.y]));
    assert.equal(new Set(boxes.map((b) => b.join(","))).size, boxes.length);
    // Records up to window 2 moved the watermark into 2024-01-01.
    await wait_until(async () => /2024-01-01/.test(await card.getByTestId("watermark").innerText()), "the watermark shown");
    assert.match(await card.locator("pre.sql").innerText(), /TUMBLE/);
  });
});
