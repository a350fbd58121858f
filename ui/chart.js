// A tiny live line chart on a canvas: the last `capacity` samples, y from 0 to the largest one.
export function createChart(canvas, { capacity = 120, color = "#2f6fde" } = {}) {
  const samples = [];
  const context = canvas.getContext("2d");
  const draw = () => {
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    const max = Math.max(1, ...samples);
    context.strokeStyle = "#dedee3";
    context.beginPath();
    context.moveTo(0, height - 0.5);
    context.lineTo(width, height - 0.5);
    context.stroke();
    context.fillStyle = "#6b6b70";
    context.font = "10px system-ui";
    context.fillText(formatNumber(max), 2, 10);
    if (samples.length < 2) return;
    const step = width / (capacity - 1);
    const x0 = width - (samples.length - 1) * step;
    context.strokeStyle = color;
    context.lineWidth = 1.5;
    context.beginPath();
    samples.forEach((value, index) => {
      const x = x0 + index * step;
      const y = height - 2 - (value / max) * (height - 14);
      if (index === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    context.stroke();
  };
  return {
    push(value) {
      samples.push(value);
      if (samples.length > capacity) samples.shift();
      draw();
    },
  };
}

export function formatNumber(value) {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2).replace(/\.?0+$/, "") || "0";
}
