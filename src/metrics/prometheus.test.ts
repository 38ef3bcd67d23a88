import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Counter, Gauge, Histogram, renderGauge } from './prometheus.ts'

describe('Prometheus text format', () => {
  it('writes counters by label, escaping what the format requires', () => {
    const c = new Counter('t_total', 'Help with a \\ and\na new line.', ['route', 'status'])
    c.inc(['/a/:id', '2xx'])
    c.inc(['/a/:id', '2xx'], 2)
    c.inc(['say "hi"\\\n', '5xx'])
    assert.equal(c.get(['/a/:id', '2xx']), 3)
    assert.equal(c.get(['/a/:id', '4xx']), 0)
    const lines: string[] = []
    c.render(lines)
    assert.deepEqual(lines, [
      '# HELP t_total Help with a \\\\ and\\na new line.',
      '# TYPE t_total counter',
      't_total{route="/a/:id",status="2xx"} 3',
      't_total{route="say \\"hi\\"\\\\\\n",status="5xx"} 1',
    ])
  })

  it('writes histograms with cumulative buckets, +Inf, sum and count', () => {
    const h = new Histogram('t_seconds', 'Durations.', ['job'], [0.1, 1])
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe(['sweep'], v)
    assert.equal(h.count(['sweep']), 4)
    const lines: string[] = []
    h.render(lines)
    assert.deepEqual(lines.slice(2), [
      't_seconds_bucket{job="sweep",le="0.1"} 2',
      't_seconds_bucket{job="sweep",le="1"} 3',
      't_seconds_bucket{job="sweep",le="+Inf"} 4',
      't_seconds_sum{job="sweep"} 3.65',
      't_seconds_count{job="sweep"} 4',
    ])
  })

  it('writes gauges, set or read at scrape time, with or without labels', () => {
    const g = new Gauge('t_last', 'Last.', ['job'])
    g.set(['a'], 5)
    g.set(['a'], 7)
    const lines: string[] = []
    g.render(lines)
    renderGauge(lines, 't_up', 'Up.', [{ value: 1 }])
    renderGauge(lines, 't_inf', 'Inf.', [{ labels: { k: 'v' }, value: Infinity }])
    assert.deepEqual(
      lines.filter((l) => !l.startsWith('#')),
      ['t_last{job="a"} 7', 't_up 1', 't_inf{k="v"} +Inf'],
    )
  })
})
