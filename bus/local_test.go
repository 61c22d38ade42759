package bus_test

import (
	"testing"

	"skranke/bus"
	"skranke/bus/bustest"
)

func TestLocal(t *testing.T) {
	bustest.Run(t, func(t *testing.T, n int) []bus.Bus {
		b := bus.NewLocal()
		t.Cleanup(func() { b.Close() })
		return []bus.Bus{b}
	}, bustest.Options{})
}
