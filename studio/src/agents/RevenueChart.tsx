import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** Daily revenue as a bar chart (this module and Chart.js load only when a revenue output is shown). */
export default function RevenueChart({
  daily,
  currency,
}: {
  daily: Array<{ date: string; total: number; orders: number }>;
  currency: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: daily.map((d) => d.date.slice(5)),
        datasets: [{ label: `Revenue (${currency})`, data: daily.map((d) => d.total), backgroundColor: '#3b3bd1' }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } },
      },
    });
    return () => chart.destroy();
  }, [daily, currency]);
  const best = daily.reduce((a, b) => (b.total > a.total ? b : a), daily[0]!);
  return (
    <figure className="chart">
      <div className="chart-box">
        <canvas
          ref={canvas}
          role="img"
          aria-label={`Daily revenue from ${daily[0]!.date} to ${daily[daily.length - 1]!.date}; best day ${best.date} with ${best.total} ${currency}`}
        />
      </div>
      <figcaption>Daily revenue ({daily.length} days)</figcaption>
    </figure>
  );
}
