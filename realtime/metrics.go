package realtime

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	connections     *prometheus.GaugeVec
	eventsDelivered prometheus.Counter
	slowConsumers   prometheus.Counter
	requests        *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "skranke_ws_connections",
			Help: "Open WebSocket sessions on this node, by role.",
		}, []string{"role"}),
		eventsDelivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "skranke_ws_events_delivered_total",
			Help: "Event frames handed to sessions.",
		}),
		slowConsumers: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "skranke_ws_slow_consumers_total",
			Help: "Sessions closed because they did not read fast enough.",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "skranke_ws_requests_total",
			Help: "Frames received from clients, by type and result code (ok or an error code).",
		}, []string{"type", "code"}),
	}
	if reg != nil {
		reg.MustRegister(m.connections, m.eventsDelivered, m.slowConsumers, m.requests)
	}
	return m
}
