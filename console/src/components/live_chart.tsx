import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { chart_data } from "../view_state";

const palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

// A uPlot time-series chart of chart_data. The plot is rebuilt when the series change and only
// fed new data otherwise; it follows its container's width.
export function live_chart(props: { chart: chart_data; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels_key = props.chart.labels.join("\u0000");

  useEffect(() => {
    const el = box.current!;
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: props.height ?? 340,
      scales: { x: { time: true } },
      series: [
        { label: props.chart.x_column ?? "time" },
        ...props.chart.labels.map((label, i) => ({
          label,
          stroke: palette[i % palette.length],
          width: 2,
          spanGaps: true,
          points: { show: true, size: 5 },
        })),
      ],
      axes: [{}, {}],
    };
    const u = new uPlot(opts, props.chart.data as uPlot.AlignedData, el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(300, el.clientWidth), height: props.height ?? 340 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [labels_key, props.chart.x_column]);

  useEffect(() => {
    plot.current?.setData(props.chart.data as uPlot.AlignedData);
  }, [props.chart]);

  return <div class="chart" ref={box} data-testid="view-chart" data-points={props.chart.points} />;
}
