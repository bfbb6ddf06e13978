// One time-series chart with uPlot (served by the receiver at /vendor/uplot, see index.html): the bucket average as a
// line, min..max as a band, and y ticks from ticks.js. The figure records the labels it drew (data-y-ticks) and how
// many points (data-points), so the page can be checked for what it shows.
import { niceTicks } from './ticks.js';

export const DATA_COLOR = '#0072b2';        // the line colour; nothing else on the page uses it
const BAND_COLOR = 'rgba(0, 114, 178, 0.18)';
const AXIS_STYLE = { stroke: '#555', grid: { stroke: '#eee', width: 1 }, ticks: { stroke: '#999', width: 1 }, font: '11px system-ui, sans-serif' };

export function chartsAvailable() {
  return typeof window.uPlot === 'function';
}

// figure: a <figure> holding a .chart element; points: [{t, avg, min, max}] in display units; [from, to) in Unix s;
// cover: optional [lo, hi] the y axis spans whatever the data (a count from 0, say).
export function drawChart(figure, points, from, to, unit, cover) {
  const box = figure.querySelector('.chart');
  if (figure.plot) { figure.plot.destroy(); figure.plot = null; }
  box.replaceChildren();
  figure.dataset.points = String(points.length);
  if (points.length === 0) {
    figure.dataset.yTicks = '';
    box.appendChild(Object.assign(document.createElement('p'), { className: 'no-data', textContent: 'no data' }));
    return;
  }
  const lows = points.map(p => p.min), highs = points.map(p => p.max);
  if (cover) { lows.push(cover[0]); highs.push(cover[1]); }
  const ticks = niceTicks(Math.min(...lows), Math.max(...highs), 6, unit);
  figure.dataset.yTicks = ticks.labels.join('|');
  const width = Math.max(100, box.clientWidth), height = Math.max(80, box.clientHeight);
  figure.plot = new window.uPlot({
    width, height,
    legend: { show: false },
    cursor: { show: true, points: { show: false } },
    scales: { x: { time: true, range: [from, to] }, y: { range: [ticks.lo, ticks.hi] } },
    series: [
      {},
      { stroke: DATA_COLOR, width: 2, points: { show: points.length < 3, size: 6, fill: DATA_COLOR } },
      { stroke: 'transparent', points: { show: false } },
      { stroke: 'transparent', points: { show: false } },
    ],
    bands: [{ series: [3, 2], fill: BAND_COLOR }],
    axes: [
      { ...AXIS_STYLE },
      // Wide enough for the longest label (11px font: about 6.5 px a character) plus the tick marks.
      { ...AXIS_STYLE, size: Math.ceil(12 + 6.5 * Math.max(...ticks.labels.map(l => l.length))) + 10,
        splits: () => ticks.values, values: () => ticks.labels },
    ],
  }, [points.map(p => p.t), points.map(p => p.avg), points.map(p => p.min), points.map(p => p.max)], box);
  if (!figure.resizing) {
    // The grid sizes the box; the chart follows it (window resizes, panels appearing below the charts).
    figure.resizing = new ResizeObserver(() => {
      if (figure.plot) figure.plot.setSize({ width: Math.max(100, box.clientWidth), height: Math.max(80, box.clientHeight) });
    });
    figure.resizing.observe(box);
  }
}
