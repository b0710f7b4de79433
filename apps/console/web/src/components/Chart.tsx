import { useEffect, useRef } from 'react';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { ECharts, EChartsCoreOption, init, use as registerChartParts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useI18n } from '../i18n';

registerChartParts([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, AriaComponent, CanvasRenderer]);

const TEXT = '#e6edf3';
const LINES = '#2e3c4b';

/**
 * An Apache ECharts chart on the night theme, described for screen readers by ECharts' aria
 * module, with a PNG download of exactly what is drawn. The numbers also stand in a table beside
 * every chart, so nothing is only in a picture.
 */
export function Chart({
  option,
  label,
  file,
  height = 320,
  onPick,
}: {
  option: EChartsCoreOption;
  label: string;
  file: string;
  height?: number;
  onPick?: (name: string, series: string) => void;
}) {
  const { t } = useI18n();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    if (!element.current) return;
    const instance = init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        textStyle: { color: TEXT },
        aria: { enabled: true, label: { description: label } },
        tooltip: { trigger: 'item' },
        animation: false,
        ...option,
      },
      true,
    );
    chart.current?.off('click');
    if (onPick) chart.current?.on('click', (p: { name?: string; seriesName?: string }) => onPick(p.name ?? '', p.seriesName ?? ''));
  }, [option, label, onPick]);
  const download = () => {
    const url = chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#18212b' });
    if (!url) return;
    const a = document.createElement('a');
    a.href = url;
    a.download = `${file}.png`;
    a.click();
  };
  return (
    <figure className="chart">
      <div ref={element} style={{ height }} role="img" aria-label={label} />
      <figcaption>
        <button type="button" onClick={download}>
          {t('downloadPng')}
        </button>
      </figcaption>
    </figure>
  );
}

export const axisStyle = { axisLine: { lineStyle: { color: LINES } }, axisLabel: { color: TEXT }, splitLine: { lineStyle: { color: LINES } } };
