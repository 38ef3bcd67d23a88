/**
 * The value of one sample in Prometheus's text format: `name{a="x",b="y"} value`, labels in the order
 * given; undefined when there is no such sample.
 */
export function metricValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  const entries = Object.entries(labels)
  const series =
    entries.length === 0
      ? name
      : `${name}{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) {
      const raw = line.slice(series.length + 1)
      return raw === '+Inf' ? Infinity : Number(raw)
    }
  }
  return undefined
}
