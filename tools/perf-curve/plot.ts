// Draws docs/analytics-curve.png from docs/analytics-curve.json: analytics' start, restart, memory and whole-history
// query p99 against the size of the history, each with its goal dashed. ECharts renders SVG on the server, Debian's
// Chromium turns it into a PNG. Run: npx swc tools/perf-curve -d dist --quiet && node dist/tools/perf-curve/plot.js
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as echarts from 'echarts';
import { chromium } from 'playwright-core';

type Point = { events: number; startFromOffset0S: number; restartFromSnapshotS: number; rssReadyMiB: number; wholeHistoryP99Ms: Record<string, number> };
const docs = path.resolve(__dirname, '../../../docs');
const { goals, points } = JSON.parse(readFileSync(path.join(docs, 'analytics-curve.json'), 'utf8')) as {
  goals: { restartS: number; rssMiB: number; queryP99Ms: number };
  points: Point[];
};
const millions = (p: Point) => +(p.events / 1e6).toFixed(2);
const [width, height] = [1200, 720];
const panels = [
  {
    title: 'Start-up (s)',
    series: { 'from offset 0': (p: Point) => p.startFromOffset0S, 'from the snapshot': (p: Point) => p.restartFromSnapshotS },
    goal: goals.restartS,
    goalName: 'goal: restart ≤ 15 s',
  },
  { title: 'RSS when ready (MiB)', series: { 'from offset 0': (p: Point) => p.rssReadyMiB }, goal: goals.rssMiB, goalName: 'goal ≤ 1 GiB' },
  {
    title: 'Whole-history query p99, concurrency 4 (ms, log)',
    series: Object.fromEntries(Object.keys(points[0].wholeHistoryP99Ms).map((q) => [q, (p: Point) => p.wholeHistoryP99Ms[q]])),
    goal: goals.queryP99Ms,
    goalName: 'goal ≤ 100 ms',
    log: true,
  },
];
const grid = panels.map((_, i) => ({ left: 70 + i * 395, top: 90, width: 300, height: 520 }));
const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
chart.setOption({
  animation: false,
  backgroundColor: '#fff',
  title: [
    { text: 'Analytics against the size of its history (events, millions; 1,000 reports a day)', left: 'center', top: 10, textStyle: { fontSize: 18 } },
    ...panels.map((p, i) => ({ text: p.title, left: grid[i].left, top: 55, textStyle: { fontSize: 14 } })),
  ],
  legend: panels.map((p, i) => ({ data: [...Object.keys(p.series), p.goalName], left: grid[i].left, top: 662, width: 300, orient: 'horizontal' })),
  grid,
  xAxis: panels.map((_, i) => ({
    gridIndex: i,
    type: 'value',
    min: 0,
    max: Math.ceil(Math.max(...points.map(millions))) + 1,
    name: 'M events',
    nameLocation: 'middle',
    nameGap: 28,
  })),
  yAxis: panels.map((p, i) => ({ gridIndex: i, type: p.log ? 'log' : 'value', min: p.log ? 1 : 0 })),
  series: panels.flatMap((p, i) => [
    ...Object.entries(p.series).map(([name, value]) => ({
      name,
      type: 'line',
      xAxisIndex: i,
      yAxisIndex: i,
      symbolSize: 8,
      label: { show: true, fontSize: 10 },
      data: points.map((pt) => [millions(pt), value(pt)]),
    })),
    {
      name: p.goalName,
      type: 'line',
      xAxisIndex: i,
      yAxisIndex: i,
      symbol: 'none',
      lineStyle: { type: 'dashed', color: '#c00' },
      itemStyle: { color: '#c00' },
      data: [
        [0, p.goal],
        [10, p.goal],
      ],
    },
  ]),
});
const svg = chart.renderToSVGString();
chart.dispose();

void (async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width, height } });
  await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
  await page.screenshot({ path: path.join(docs, 'analytics-curve.png') });
  await browser.close();
})();
