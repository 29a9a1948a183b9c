package metrics

import (
	"database/sql"
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// RegisterDB adds the connection pool series of one database, read from stats
// at each scrape (pass (*sql.DB).Stats, or a function summing several pools)
// and labelled db=dialect ("sqlite", "postgres"):
//
//	kabinet_db_max_open_connections       gauge
//	kabinet_db_open_connections           gauge
//	kabinet_db_in_use_connections         gauge
//	kabinet_db_idle_connections           gauge
//	kabinet_db_wait_count_total           counter: connections waited for
//	kabinet_db_wait_duration_seconds_total counter: time spent waiting
//
// Registering the same dialect twice is an error.
func (m *Metrics) RegisterDB(dialect string, stats func() sql.DBStats) error {
	if m == nil {
		return nil
	}
	if dialect == "" || stats == nil {
		return errors.New("metrics: RegisterDB needs a dialect name and a stats function")
	}
	labels := prometheus.Labels{"db": dialect}
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("kabinet_db_"+name, help, nil, labels)
	}
	return m.reg.Register(&dbCollector{
		stats:       stats,
		maxOpen:     desc("max_open_connections", "Maximum number of open connections the pool allows (0: no limit)."),
		open:        desc("open_connections", "Connections established, in use or idle."),
		inUse:       desc("in_use_connections", "Connections in use."),
		idle:        desc("idle_connections", "Idle connections."),
		waitCount:   desc("wait_count_total", "Connections waited for because the pool was exhausted."),
		waitSeconds: desc("wait_duration_seconds_total", "Time spent waiting for a connection."),
	})
}

type dbCollector struct {
	stats                                              func() sql.DBStats
	maxOpen, open, inUse, idle, waitCount, waitSeconds *prometheus.Desc
}

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.maxOpen, c.open, c.inUse, c.idle, c.waitCount, c.waitSeconds} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(c.maxOpen, prometheus.GaugeValue, float64(s.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(s.OpenConnections))
	ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(s.InUse))
	ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(s.Idle))
	ch <- prometheus.MustNewConstMetric(c.waitCount, prometheus.CounterValue, float64(s.WaitCount))
	ch <- prometheus.MustNewConstMetric(c.waitSeconds, prometheus.CounterValue, s.WaitDuration.Seconds())
}
