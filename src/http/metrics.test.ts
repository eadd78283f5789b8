/**
 * The exposition spells every sample value as Prometheus' text format does, even a NaN that
 * prom-client prints as `Nan`. Without the network: test/observability.test.ts scrapes a server.
 */
import { Gauge } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { Metrics, spellNaN } from './metrics.js'

describe('metrics exposition', () => {
  it('spells the event-loop lag NaN when a scrape follows the last before the loop was sampled again', async () => {
    const metrics = new Metrics()
    // prom-client empties its event-loop histogram on every scrape and samples it on a timer; two
    // scrapes with no turn of the event loop between them leave the second with no samples.
    await metrics.render()
    const text = await metrics.render()
    expect(text).toMatch(/^nodejs_eventloop_lag_mean_seconds NaN$/m)
    expect(text).not.toMatch(/ Nan$/m)
  })

  it("writes NaN for an app metric's NaN value, and leaves labels and help text alone", async () => {
    const metrics = new Metrics()
    const gauge = new Gauge({ name: 'test_ratio', help: 'A ratio of Nan', labelNames: ['name'], registers: [metrics.registry] })
    gauge.set({ name: 'Nan' }, Number.NaN)
    const text = await metrics.render()
    expect(text).toContain('# HELP test_ratio A ratio of Nan\n')
    expect(text).toContain('test_ratio{name="Nan"} NaN\n')
  })

  it('changes nothing else', () => {
    const text = '# HELP a Nan\n# TYPE a gauge\na 1\nb{x="Nan"} 2\nc +Inf\nd -Inf\ne Nan\n'
    expect(spellNaN(text)).toBe('# HELP a Nan\n# TYPE a gauge\na 1\nb{x="Nan"} 2\nc +Inf\nd -Inf\ne NaN\n')
  })
})
